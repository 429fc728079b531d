/**
 * dependency_hop_ms: a chain of 200 no-op tasks; a hop is the next task's start minus
 * the previous task's end, both as the worker recorded them in task_attempts
 * (started_at before handing the attempt to the executor, ended_at when it reported).
 * So a hop is: completing the attempt (batch write, propagation, wake-up) + claiming
 * the next one + dispatching it; the executor's IPC is inside the tasks' durations.
 *
 * The default ChildProcessExecutor is the bounded figure; the InProcessExecutor's p50
 * is reported beside it. Each worker is warmed by a small run first (untimed); each
 * chain runs twice, the hops of both runs pooled.
 */
import { availableParallelism } from 'node:os';
import { sql } from 'kysely';
import { ChildProcessExecutor, InProcessExecutor, type Executor, type FlowSystem } from '../../src/flows/index.js';
import { median, type BenchResult, type Scenario } from '../harness.js';
import {
  BACKEND_NAMES,
  createBackend,
  fileFlowResolver,
  openFlowSystem,
  percentile,
  waitForRun,
  writeFlowFile,
  type BackendName,
} from './backends.js';

const LENGTH = 200;
const RUNS = 2;
const RUN_TIMEOUT_MS = 300_000;
const BOUND_P50_PG = 10;

type ExecutorKind = 'child' | 'inprocess';

const FLOW_FILE = `
export const chain = defineFlow({ id: 'chain' }, (f) => {
  let previous = f.task('c000', () => null);
  for (let i = 1; i < ${LENGTH}; i++) previous = f.task(\`c\${String(i).padStart(3, '0')}\`, { after: [previous] }, () => null);
});
export const warm = defineFlow({ id: 'warm' }, (f) => {
  for (let i = 0; i < 16; i++) f.task(\`w\${i}\`, () => null);
});`;

function executorOf(kind: ExecutorKind): Executor {
  return kind === 'child'
    ? new ChildProcessExecutor()
    : new InProcessExecutor({ slots: availableParallelism(), resolver: fileFlowResolver() });
}

export const dependencyHop: Scenario = {
  name: 'dependency_hop',
  description: `chain of ${LENGTH} no-op tasks × ${RUNS} runs: next start − previous end from task_attempts, PG and PGlite`,
  async run({ workDir, log }): Promise<BenchResult[]> {
    const results: BenchResult[] = [];
    for (const backendName of BACKEND_NAMES) {
      const hops = await measureBackend(backendName, workDir, log);
      const child = hops.get('child')!;
      const inprocess = hops.get('inprocess')!;
      const summary = (values: readonly number[]) =>
        `${values.length} hops, p50 ${percentile(values, 50).toFixed(1)}, p90 ${percentile(values, 90).toFixed(1)}, max ${Math.max(...values).toFixed(1)} ms`;
      results.push(
        {
          name: `dependency_hop_ms_p50_${backendName}`,
          value: percentile(child, 50),
          unit: 'ms',
          ...(backendName === 'pg' ? { bound: { max: BOUND_P50_PG } } : {}),
          note: `ChildProcessExecutor; ${summary(child)}`,
        },
        {
          name: `dependency_hop_ms_p99_${backendName}`,
          value: percentile(child, 99),
          unit: 'ms',
          note: 'ChildProcessExecutor',
        },
        {
          name: `dependency_hop_inprocess_ms_p50_${backendName}`,
          value: percentile(inprocess, 50),
          unit: 'ms',
          note: `InProcessExecutor; ${summary(inprocess)}`,
        },
      );
    }
    return results;
  },
};

async function measureBackend(
  backendName: BackendName,
  workDir: string,
  log: (message: string) => void,
): Promise<Map<ExecutorKind, number[]>> {
  const backend = await createBackend(backendName, workDir);
  const hops = new Map<ExecutorKind, number[]>([
    ['child', []],
    ['inprocess', []],
  ]);
  let system: FlowSystem | undefined;
  try {
    await writeFlowFile(backend, 'chain', FLOW_FILE);
    system = await openFlowSystem(backend);
    await system.startScheduler();
    for (const kind of ['child', 'inprocess'] as const) {
      const worker = await system.startWorker({ executor: executorOf(kind) });
      try {
        const warm = await system.trigger('warm');
        await waitForRun(system, warm.runId, RUN_TIMEOUT_MS);
        for (let i = 0; i < RUNS; i++) {
          const start = performance.now();
          const { runId } = await system.trigger('chain');
          await waitForRun(system, runId, RUN_TIMEOUT_MS);
          const runHops = await hopsOf(system, runId);
          hops.get(kind)!.push(...runHops);
          log(
            `${backendName} ${kind} run ${i + 1}/${RUNS}: ${((performance.now() - start) / 1000).toFixed(2)} s, hop median ${median(runHops).toFixed(1)} ms, p99 ${percentile(runHops, 99).toFixed(1)} ms`,
          );
        }
      } finally {
        await worker.close();
      }
    }
  } finally {
    await system?.close();
    await backend.dispose();
  }
  return hops;
}

/** Start of each task minus the end of the one before it, in chain order (task ids sort in order). */
async function hopsOf(system: FlowSystem, runId: number): Promise<number[]> {
  const { rows } = await sql<{ hop_ms: number | null }>`
    select extract(epoch from (started_at - lag(ended_at) over (order by task_id))) * 1000 as hop_ms
    from task_attempts where run_id = ${runId} and attempt = 1 order by task_id`.execute(system.queue.meta.db);
  const hops = rows.map((r) => (r.hop_ms === null ? null : Number(r.hop_ms))).filter((h): h is number => h !== null);
  if (hops.length !== LENGTH - 1)
    throw new Error(`run ${runId}: ${hops.length + 1} attempts recorded, expected ${LENGTH}`);
  return hops;
}
