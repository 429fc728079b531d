/**
 * spot_cost_ratio and spot_makespan_ratio: each execution replayed alone on 16 workers
 * with the learned plan-time predictions, every task interruptible on spot capacity
 * (src/flows/scheduling/spot-cost-model.ts: checkpoint at the notice, 60 s restart,
 * 3 preemptions then on-demand) against the same execution on on-demand capacity only;
 * cost and makespan ratios, mean over executions. Stated rates: spot at 0.3 × the
 * on-demand price, 0.5 interruptions per busy spot-hour (and a stress rate of 4).
 */
import type { BenchResult, Scenario } from '../harness.js';
import { PolicyKind, simulate, withSpotCapacity, type SpotModel } from '../../src/flows/index.js';
import { traceData } from './trace-data.js';
import { simRun } from './sim-runs.js';
import { seededRandom } from '../../src/core/index.js';

const WORKERS = 16;
const SEED = 16;

const MODELS: readonly { suffix: string; model: SpotModel }[] = [
  { suffix: '', model: { spotPriceRatio: 0.3, interruptionsPerHour: 0.5, restartMs: 60_000, preemptionBudget: 3 } },
  {
    suffix: '_stress',
    model: { spotPriceRatio: 0.3, interruptionsPerHour: 4, restartMs: 60_000, preemptionBudget: 3 },
  },
];

export const spotCost: Scenario = {
  name: 'spot',
  description: `spot capacity with checkpoints vs on-demand only, ${WORKERS} workers, learned plan-time predictions`,
  async run({ log, args }) {
    const data = await traceData(args, log);
    const results: BenchResult[] = [];
    for (const { suffix, model } of MODELS) {
      const random = seededRandom(SEED);
      let cost = 0;
      let makespan = 0;
      let preemptions = 0;
      for (const execution of data.executions) {
        const run = simRun(data, execution, 'learned-plan');
        const options = { workers: WORKERS, policy: { kind: PolicyKind.predicted } };
        const base = simulate([run], options).makespanMs;
        const spot = withSpotCapacity([run], model, random);
        cost += spot.spotCost / spot.onDemandCost;
        makespan += simulate(spot.runs, options).makespanMs / base;
        preemptions += spot.preemptions;
      }
      const n = data.executions.length;
      const stated = `spot ${model.spotPriceRatio} × on-demand, ${model.interruptionsPerHour} interruptions per spot-hour, restart ${model.restartMs / 1000} s, ${model.preemptionBudget} preemptions then on-demand; ${preemptions} preemptions over ${n} executions (seed ${SEED})`;
      results.push(
        { name: `spot_cost_ratio${suffix}`, value: cost / n, unit: 'ratio', note: stated },
        { name: `spot_makespan_ratio${suffix}`, value: makespan / n, unit: 'ratio' },
      );
    }
    return results;
  },
};
