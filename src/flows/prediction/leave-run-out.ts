/**
 * Leave-runs-out evaluation: every run's tasks are predicted by a predictor trained
 * without that run. Runs are dealt into `folds` groups (round-robin over the sorted
 * names, so each family is spread over every fold); with folds = number of runs this is
 * exactly leave-one-execution-out, with fewer it is stricter (less history), and cheaper.
 */
import type { DurationPredictor } from './duration-predictor.js';
import type { DurationRecord } from './duration-records.js';

export interface HeldOutPrediction {
  readonly record: DurationRecord;
  readonly predictedMs: number;
  readonly p90Ms: number;
}

export function leaveRunsOut(
  records: readonly DurationRecord[],
  folds: number,
  train: (history: readonly DurationRecord[]) => DurationPredictor,
): HeldOutPrediction[] {
  const runs = [...new Set(records.map((r) => r.runId))].sort();
  const foldOf = new Map(runs.map((run, i) => [run, i % Math.min(folds, runs.length)]));
  const out: HeldOutPrediction[] = [];
  for (let fold = 0; fold < Math.min(folds, runs.length); fold++) {
    const predictor = train(records.filter((r) => foldOf.get(r.runId) !== fold));
    for (const record of records) {
      if (foldOf.get(record.runId) !== fold) continue;
      const p = predictor.predict(record);
      out.push({ record, predictedMs: p.medianMs, p90Ms: p.p90Ms });
    }
  }
  return out;
}
