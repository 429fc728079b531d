/** Executions as simulator runs, with the durations a given policy believes. */
import type { TraceExecution } from '../../src/flows/index.js';
import type { SimRun } from '../../src/flows/index.js';
import type { TraceData } from './trace-data.js';

/** `oracle`: the true runtimes; otherwise a predictor's held-out predictions. */
export type Belief = 'oracle' | 'category-median' | 'learned-plan';

export function simRun(
  data: TraceData,
  execution: TraceExecution,
  belief: Belief,
  id = execution.name,
  arrivalMs = 0,
): SimRun {
  const held = belief === 'oracle' ? undefined : data.predictions.get(belief)!;
  return {
    id,
    flowId: execution.family,
    arrivalMs,
    tasks: execution.tasks.map((t) => ({
      id: t.id,
      parents: t.parents,
      children: t.children,
      runtimeMs: t.runtimeS * 1000,
      predictedMs: held ? held.get(`${execution.name}\0${t.id}`)!.predictedMs : t.runtimeS * 1000,
    })),
  };
}
