/**
 * vs_graphile_worker_ratio: independent no-op jobs per second through Strata ÷ through
 * graphile-worker, on the same PostgreSQL database in the same run, same concurrency.
 *
 *   Strata           one run of a flow of N independent root tasks (all queued when the
 *                    run starts, like jobs added in bulk), from trigger() until the
 *                    run is seen succeeded; InProcessExecutor with CONCURRENCY slots,
 *                    prefetch 256 (graphile-worker runs its jobs in its own process too)
 *   graphile-worker  addJobs() of N jobs in one call, until every handler returned and
 *                    the jobs table is empty (completed jobs are deleted); run() with
 *                    CONCURRENCY, its batching on (localQueue of 256, completions
 *                    batched), the closest match to Strata's prefetch and batched completions
 *
 * Both stay started across rounds (warmed by an untimed round); the sides alternate
 * (ABBA). graphile-worker with its defaults (no local queue, one completion per job)
 * is measured once more at the end, for context.
 */
import { Logger, makeWorkerUtils, run, runMigrations, type Runner, type WorkerUtils } from 'graphile-worker';
import { InProcessExecutor, type FlowSystem } from '../../src/flows/index.js';
import { median, spread, type BenchResult, type Scenario } from '../harness.js';
import { createBackend, fileFlowResolver, openFlowSystem, waitForRun, writeFlowFile } from './backends.js';

const JOBS = 5_000;
const CONCURRENCY = 8;
const PREFETCH = 256;
const ROUNDS = 4;
const TIMEOUT_MS = 600_000;

const FLOW_FILE = `
export const independent = defineFlow({ id: 'independent' }, (f) => {
  for (let i = 0; i < ${JOBS}; i++) f.task(\`j\${i}\`, () => null);
});`;

const silent = new Logger(() => () => {});

export const vsGraphileWorker: Scenario = {
  name: 'vs_graphile_worker',
  description: `${JOBS} independent no-op jobs: Strata (one run of ${JOBS} root tasks, in-process, ${CONCURRENCY} slots) vs graphile-worker (addJobs, concurrency ${CONCURRENCY}), PG`,
  async run({ workDir, log }): Promise<BenchResult[]> {
    const backend = await createBackend('pg', workDir);
    const url = backend.databaseUrl!;
    let system: FlowSystem | undefined;
    let utils: WorkerUtils | undefined;
    const runners: Runner[] = [];
    try {
      await writeFlowFile(backend, 'independent', FLOW_FILE);
      system = await openFlowSystem(backend);
      await system.startScheduler();
      await system.startWorker({
        executor: new InProcessExecutor({ slots: CONCURRENCY, resolver: fileFlowResolver() }),
        prefetch: PREFETCH,
      });
      await runMigrations({ connectionString: url, logger: silent });
      utils = await makeWorkerUtils({ connectionString: url, logger: silent });

      const graphile = await graphileSide(url, true, runners);
      const strataSide = async (): Promise<number> => {
        const start = performance.now();
        const { runId } = await system!.trigger('independent');
        await waitForRun(system!, runId, TIMEOUT_MS);
        return JOBS / ((performance.now() - start) / 1000);
      };
      const strata: number[] = [];
      const peer: number[] = [];
      for (let round = 0; round <= ROUNDS; round++) {
        const sides = [
          { name: 'strata', go: strataSide, into: strata },
          { name: 'graphile-worker', go: () => graphile.go(utils!), into: peer },
        ];
        const line: string[] = [];
        for (const side of round % 2 === 0 ? sides : sides.reverse()) {
          const rate = await side.go();
          if (round > 0) side.into.push(rate);
          line.push(`${side.name} ${rate.toFixed(0)} jobs/s`);
        }
        log(`${round === 0 ? 'warm-up' : `round ${round}/${ROUNDS}`}: ${line.join(', ')}`);
      }
      await graphile.stop();

      const defaults = await graphileSide(url, false, runners);
      await defaults.go(utils); // warm-up
      const defaultRate = await defaults.go(utils);
      await defaults.stop();
      log(`graphile-worker with its defaults: ${defaultRate.toFixed(0)} jobs/s`);

      return [
        {
          name: 'vs_graphile_worker_ratio',
          value: median(strata) / median(peer),
          unit: 'ratio',
          note: `Strata ${median(strata).toFixed(0)} jobs/s (rounds ${spread(strata)}; one run of ${JOBS} root tasks, InProcessExecutor ${CONCURRENCY} slots, prefetch ${PREFETCH}) ÷ graphile-worker ${median(peer).toFixed(0)} jobs/s (rounds ${spread(peer)}; addJobs of ${JOBS}, concurrency ${CONCURRENCY}, localQueue ${PREFETCH}, batched completions)`,
        },
        {
          name: 'strata_independent_jobs_per_s_pg',
          value: median(strata),
          unit: 'jobs/s',
          note: `rounds ${spread(strata)}`,
        },
        {
          name: 'graphile_worker_jobs_per_s_pg',
          value: median(peer),
          unit: 'jobs/s',
          note: `localQueue ${PREFETCH}, completeJobBatchDelay 0; rounds ${spread(peer)}`,
        },
        {
          name: 'graphile_worker_default_jobs_per_s_pg',
          value: defaultRate,
          unit: 'jobs/s',
          note: 'graphile-worker defaults (no local queue, one completion per job), one round after a warm-up',
        },
      ];
    } finally {
      for (const runner of runners) await runner.stop().catch(() => undefined);
      await utils?.release();
      await system?.close();
      await backend.dispose();
    }
  },
};

/** A started graphile-worker runner and a timed round: add JOBS jobs, wait until all ran and were deleted. */
async function graphileSide(
  url: string,
  batched: boolean,
  runners: Runner[],
): Promise<{ go(utils: WorkerUtils): Promise<number>; stop(): Promise<void> }> {
  let done = 0;
  let allDone: (() => void) | undefined;
  const runner = await run({
    connectionString: url,
    concurrency: CONCURRENCY,
    noHandleSignals: true,
    logger: silent,
    taskList: {
      noop: async () => {
        if (++done === JOBS) allDone?.();
      },
    },
    ...(batched ? { preset: { worker: { localQueue: { size: PREFETCH }, completeJobBatchDelay: 0 } } } : {}),
  });
  runners.push(runner);
  return {
    async go(utils) {
      done = 0;
      const handled = new Promise<void>((resolve) => (allDone = resolve));
      const start = performance.now();
      await utils.addJobs(Array.from({ length: JOBS }, () => ({ identifier: 'noop', payload: {} })));
      await Promise.race([
        handled,
        new Promise((_, reject) =>
          setTimeout(() => reject(new Error('graphile-worker round timed out')), TIMEOUT_MS).unref(),
        ),
      ]);
      // Completed jobs are deleted, in batches: the round ends when none is left.
      for (;;) {
        const left = await utils.withPgClient((client) =>
          client.query<{ n: number }>('select count(*)::int as n from graphile_worker._private_jobs'),
        );
        if (left.rows[0]!.n === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      return JOBS / ((performance.now() - start) / 1000);
    },
    async stop() {
      await runner.stop();
      runners.splice(runners.indexOf(runner), 1);
    },
  };
}
