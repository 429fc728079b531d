/**
 * tasks_per_s: one run of a flow of one root → 10,000 parallel no-op tasks → one sink
 * (declared statically with f.task in a loop, in a flow file the executor's children
 * import), from trigger() until the run is seen succeeded, on each backend.
 *
 * The default ChildProcessExecutor (default slots: one child per CPU) with prefetch
 * 256 is the figure with a bound; the InProcessExecutor with the same slots is
 * reported beside it (no bound) to separate the executor's cost from the queue's.
 * Each round starts a fresh worker per executor and warms it with a small run
 * (children started, flow file imported), untimed; the executors alternate.
 */
import { availableParallelism } from 'node:os';
import { ChildProcessExecutor, InProcessExecutor, type Executor, type FlowSystem } from '../../src/flows/index.js';
import { median, spread, type BenchResult, type Scenario } from '../harness.js';
import {
  BACKEND_NAMES,
  createBackend,
  fileFlowResolver,
  openFlowSystem,
  waitForRun,
  writeFlowFile,
  type BackendName,
} from './backends.js';

export const WIDTH = 10_000;
export const PREFETCH = 256;
const ROUNDS = 2;
const RUN_TIMEOUT_MS = 600_000;
const BOUND_PG = 1000;

type ExecutorKind = 'child' | 'inprocess';

export const FLOW_FILE = `
export const wide = defineFlow({ id: 'wide' }, (f) => {
  const root = f.task('root', () => null);
  const middle = [];
  for (let i = 0; i < ${WIDTH}; i++) middle.push(f.task(\`t\${i}\`, { after: [root] }, () => null));
  f.task('sink', { after: middle }, () => null);
});
export const warm = defineFlow({ id: 'warm' }, (f) => {
  for (let i = 0; i < 64; i++) f.task(\`w\${i}\`, () => null);
});`;

function executorOf(kind: ExecutorKind): Executor {
  return kind === 'child'
    ? new ChildProcessExecutor()
    : new InProcessExecutor({ slots: availableParallelism(), resolver: fileFlowResolver() });
}

export const tasksPerSecond: Scenario = {
  name: 'tasks_per_s',
  description: `root → ${WIDTH} no-op tasks → sink, trigger to success, ChildProcessExecutor (and in-process) prefetch ${PREFETCH}, PG and PGlite`,
  async run({ workDir, log }): Promise<BenchResult[]> {
    const results: BenchResult[] = [];
    for (const backendName of BACKEND_NAMES) {
      const rates = await measureBackend(backendName, workDir, log);
      for (const kind of ['child', 'inprocess'] as const) {
        const values = rates.get(kind)!;
        const suffix = kind === 'child' ? '' : '_inprocess';
        results.push({
          name: `tasks_per_s${suffix}_${backendName}`,
          value: median(values),
          unit: 'tasks/s',
          ...(kind === 'child' && backendName === 'pg' ? { bound: { min: BOUND_PG } } : {}),
          note: `${kind === 'child' ? `ChildProcessExecutor (${availableParallelism()} children)` : `InProcessExecutor (${availableParallelism()} slots)`}, ${WIDTH + 2} tasks per run, prefetch ${PREFETCH}; rounds ${spread(values)}`,
        });
      }
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
  const rates = new Map<ExecutorKind, number[]>([
    ['child', []],
    ['inprocess', []],
  ]);
  let system: FlowSystem | undefined;
  try {
    await writeFlowFile(backend, 'wide', FLOW_FILE);
    system = await openFlowSystem(backend);
    await system.startScheduler();
    for (let round = 0; round < ROUNDS; round++) {
      const kinds: ExecutorKind[] = round % 2 === 0 ? ['child', 'inprocess'] : ['inprocess', 'child'];
      for (const kind of kinds) {
        const worker = await system.startWorker({ executor: executorOf(kind), prefetch: PREFETCH });
        try {
          const warm = await system.trigger('warm');
          await waitForRun(system, warm.runId, RUN_TIMEOUT_MS);
          const start = performance.now();
          const { runId } = await system.trigger('wide');
          const triggerMs = performance.now() - start;
          const run = await waitForRun(system, runId, RUN_TIMEOUT_MS);
          const wallMs = performance.now() - start;
          const rate = run.tasksTotal / (wallMs / 1000);
          rates.get(kind)!.push(rate);
          log(
            `${backendName} round ${round + 1}/${ROUNDS} ${kind}: ${rate.toFixed(0)} tasks/s (${(wallMs / 1000).toFixed(2)} s, trigger ${triggerMs.toFixed(0)} ms)`,
          );
        } finally {
          await worker.close();
        }
      }
    }
  } finally {
    await system?.close();
    await backend.dispose();
  }
  return rates;
}
