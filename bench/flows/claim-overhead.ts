/**
 * claim_overhead_ratio: tasks/s of the 10,000-task benchmark (tasks-per-second.ts: root →
 * 10,000 no-op tasks → sink, ChildProcessExecutor, prefetch 256) with the
 * prediction-driven claim order (keys computed when the run starts, the claim query
 * ordered by them) ÷ with FIFO, in the same process on the same database; the policies
 * alternate round by round. ≥ 0.9: ordering must not cost throughput.
 */
import { ChildProcessExecutor, FlowSystem, PolicyKind, type PolicyOptions } from '../../src/flows/index.js';
import { initWarehouse } from '../../src/catalog/index.js';
import { median, spread, type BenchResult, type Scenario } from '../harness.js';
import {
  BACKEND_NAMES,
  createBackend,
  flowsDirectory,
  waitForRun,
  writeFlowFile,
  type BackendName,
} from './backends.js';
import { FLOW_FILE, PREFETCH, WIDTH } from './tasks-per-second.js';

const ROUNDS = 2;
const RUN_TIMEOUT_MS = 600_000;
const POLICIES: Readonly<Record<'fifo' | 'predicted', PolicyOptions>> = {
  fifo: { kind: PolicyKind.fifo },
  predicted: { kind: PolicyKind.predicted, agingRate: 1 },
};

export const claimOverhead: Scenario = {
  name: 'claim_overhead',
  description: `tasks/s with the predicted claim order ÷ FIFO, root → ${WIDTH} no-op tasks → sink, PG and PGlite`,
  async run({ workDir, log }): Promise<BenchResult[]> {
    const results: BenchResult[] = [];
    for (const backendName of BACKEND_NAMES) {
      const rates = await measure(backendName, workDir, log);
      const ratio = median(rates.predicted) / median(rates.fifo);
      results.push({
        name: `claim_overhead_ratio_${backendName}`,
        value: ratio,
        unit: 'ratio',
        ...(backendName === 'pg' ? { bound: { min: 0.9 } } : {}),
        note: `predicted ${spread(rates.predicted)} tasks/s vs FIFO ${spread(rates.fifo)} tasks/s, ${WIDTH + 2} tasks per run`,
      });
    }
    return results;
  },
};

async function measure(
  backendName: BackendName,
  workDir: string,
  log: (message: string) => void,
): Promise<Record<'fifo' | 'predicted', number[]>> {
  const backend = await createBackend(backendName, workDir);
  const rates: Record<'fifo' | 'predicted', number[]> = { fifo: [], predicted: [] };
  try {
    await writeFlowFile(backend, 'wide', FLOW_FILE);
    await initWarehouse(backend.warehouse, { env: backend.env });
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? (['fifo', 'predicted'] as const) : (['predicted', 'fifo'] as const);
      for (const name of order) {
        const system = await FlowSystem.open({
          warehouse: backend.warehouse,
          env: backend.env,
          flowsDirectory: flowsDirectory(backend),
          policy: POLICIES[name],
        });
        try {
          await system.startScheduler();
          const worker = await system.startWorker({ executor: new ChildProcessExecutor(), prefetch: PREFETCH });
          const warm = await system.trigger('warm');
          await waitForRun(system, warm.runId, RUN_TIMEOUT_MS);
          const start = performance.now();
          const { runId } = await system.trigger('wide');
          const run = await waitForRun(system, runId, RUN_TIMEOUT_MS);
          const rate = run.tasksTotal / ((performance.now() - start) / 1000);
          rates[name].push(rate);
          log(`${backendName} round ${round + 1}/${ROUNDS} ${name}: ${rate.toFixed(0)} tasks/s`);
          await worker.close();
        } finally {
          await system.close();
        }
      }
    }
  } finally {
    await backend.dispose();
  }
  return rates;
}
