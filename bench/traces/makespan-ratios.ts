/**
 * makespan_ratio_pP: each execution replayed alone on P identical workers (no transfer
 * cost), makespan ÷ max(critical path, total work ÷ P), mean over executions; FIFO, then
 * upward rank on the true runtimes (oracle), on the per-category median and on the
 * learned plan-time predictions (no upstream actuals: ranks are set before the run).
 */
import type { BenchResult, Scenario } from '../harness.js';
import { PolicyKind } from '../../src/flows/index.js';
import { makespanLowerBound, simulate } from '../../src/flows/index.js';
import { traceData } from './trace-data.js';
import { simRun, type Belief } from './sim-runs.js';

const SIDES: readonly { name: string; belief: Belief; kind: PolicyKind }[] = [
  { name: 'fifo', belief: 'oracle', kind: PolicyKind.fifo },
  { name: 'rank_oracle', belief: 'oracle', kind: PolicyKind.predicted },
  { name: 'rank_baseline', belief: 'category-median', kind: PolicyKind.predicted },
  { name: 'rank_learned', belief: 'learned-plan', kind: PolicyKind.predicted },
];

export const makespanRatios: Scenario = {
  name: 'makespan',
  description: 'makespan ÷ lower bound of each execution on 4, 16 and 64 workers',
  async run({ log, args }) {
    const data = await traceData(args, log);
    const results: BenchResult[] = [];
    for (const workers of [4, 16, 64]) {
      for (const side of SIDES) {
        let sum = 0;
        for (const execution of data.executions) {
          const run = simRun(data, execution, side.belief);
          const { makespanMs } = simulate([run], { workers, policy: { kind: side.kind } });
          sum += makespanMs / makespanLowerBound(run.tasks, workers);
        }
        const learned = side.name === 'rank_learned';
        results.push({
          name: `makespan_ratio_p${workers}${learned ? '' : `_${side.name}`}`,
          value: sum / data.executions.length,
          unit: 'ratio',
          ...(learned ? { bound: workers === 16 ? { max: 1.12 } : {} } : {}),
          ...(learned && workers === 16 ? { note: `mean over ${data.executions.length} executions` } : {}),
        });
      }
    }
    return results;
  },
};
