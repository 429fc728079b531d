/**
 * avg_jct_reduction_vs_fifo: executions drawn at random arrive as a Poisson process on
 * P shared workers at a load of 80% (arrival rate × mean work = 0.8 × P); average job
 * completion time (finish − arrival) of FIFO against the policy (upward rank within a
 * run, aged shortest remaining predicted work across runs) with learned plan-time
 * predictions and with the true runtimes. Several seeds, JCTs summed before the ratio.
 */
import type { BenchResult, Scenario } from '../harness.js';
import { PolicyKind } from '../../src/flows/index.js';
import { simulate, type SimRun } from '../../src/flows/index.js';
import { traceData, type TraceData } from './trace-data.js';
import { simRun, type Belief } from './sim-runs.js';
import { seededRandom } from '../../src/core/index.js';

const WORKERS = 16;
const LOAD = 0.8;
const JOBS = 120;
const SEEDS = [1, 2, 3];
/** Work-ms a run's key drops per ms waited: slow enough to keep SRPT, fast enough that no run waits forever. */
const AGING = 0.05;

function stream(data: TraceData, seed: number, belief: Belief): SimRun[] {
  const next = seededRandom(seed);
  const works = data.executions.map((e) => e.tasks.reduce((s, t) => s + t.runtimeS * 1000, 0));
  const meanWork = works.reduce((a, b) => a + b, 0) / works.length;
  const rate = (LOAD * WORKERS) / meanWork;
  let at = 0;
  return Array.from({ length: JOBS }, (_, i) => {
    at += -Math.log(1 - next()) / rate;
    const execution = data.executions[Math.floor(next() * data.executions.length)]!;
    return simRun(data, execution, belief, `${i}:${execution.name}`, at);
  });
}

function averageJct(runs: readonly SimRun[], kind: PolicyKind): number {
  const result = simulate(runs, { workers: WORKERS, policy: { kind, agingRate: AGING } });
  let sum = 0;
  for (const r of result.runs.values()) sum += r.finishMs - r.arrivalMs;
  return sum / result.runs.size;
}

export const jctStream: Scenario = {
  name: 'jct',
  description: `Poisson stream of ${JOBS} executions at ${LOAD * 100}% load on ${WORKERS} workers: average JCT vs FIFO`,
  async run({ log, args }) {
    const data = await traceData(args, log);
    const total = { fifo: 0, learned: 0, oracle: 0 };
    for (const seed of SEEDS) {
      total.fifo += averageJct(stream(data, seed, 'oracle'), PolicyKind.fifo);
      total.learned += averageJct(stream(data, seed, 'learned-plan'), PolicyKind.predicted);
      total.oracle += averageJct(stream(data, seed, 'oracle'), PolicyKind.predicted);
    }
    const results: BenchResult[] = [
      {
        name: 'avg_jct_reduction_vs_fifo',
        value: 1 - total.learned / total.fifo,
        unit: 'ratio',
        bound: { min: 0.24 },
        note: `learned plan-time predictions; ${SEEDS.length} seeds × ${JOBS} jobs; FIFO avg JCT ${(total.fifo / SEEDS.length / 1000).toFixed(0)} s`,
      },
      { name: 'avg_jct_reduction_vs_fifo_oracle', value: 1 - total.oracle / total.fifo, unit: 'ratio' },
    ];
    return results;
  },
};
