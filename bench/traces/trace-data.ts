/**
 * The traces suite's data, loaded once for all its scenarios: the executions and every
 * predictor's held-out predictions (each execution predicted by a predictor that never
 * saw it: leave-runs-out over --train, or trained on --train and asked about --test).
 */
import * as path from 'node:path';
import { categoryMedianPredictor, medianRulePredictor, type DurationPredictor } from '../../src/flows/index.js';
import { replayAsRecords, type DurationRecord } from '../../src/flows/index.js';
import { trainLearnedPredictor } from '../../src/flows/index.js';
import { leaveRunsOut, type HeldOutPrediction } from '../../src/flows/index.js';
import { loadTraceDir, type TraceExecution } from '../../src/flows/index.js';

export const PREDICTORS = {
  'category-median': categoryMedianPredictor,
  'median-rule': medianRulePredictor,
  learned: (h: readonly DurationRecord[]) => trainLearnedPredictor(h),
  /** Without upstream actuals: what a plan made before the run starts can know (used for ranks). */
  'learned-plan': (h: readonly DurationRecord[]) => trainLearnedPredictor(h, { upstreamActuals: false }),
} as const satisfies Record<string, (history: readonly DurationRecord[]) => DurationPredictor>;
export type PredictorName = keyof typeof PREDICTORS;

export interface TraceData {
  readonly executions: readonly TraceExecution[];
  readonly method: string;
  /** Held-out predictions per predictor, keyed `${run}\0${task}`. */
  readonly predictions: ReadonlyMap<PredictorName, ReadonlyMap<string, HeldOutPrediction>>;
}

export const DEFAULT_TRACES = path.join('..', 'shared', 'traces', 'wfcommons');

let cached: { key: string; data: Promise<TraceData> } | undefined;

export function traceData(
  args: Readonly<Record<string, string | undefined>> = {},
  log: (m: string) => void,
): Promise<TraceData> {
  const key = JSON.stringify(args);
  if (cached?.key !== key) cached = { key, data: load(args, log) };
  return cached.data;
}

async function load(args: Readonly<Record<string, string | undefined>>, log: (m: string) => void): Promise<TraceData> {
  const train = await loadTraceDir(args.train ?? DEFAULT_TRACES);
  const test = args.test ? await loadTraceDir(args.test) : undefined;
  const folds = Number(args.folds ?? 10);
  const trainRecords = train.flatMap(replayAsRecords);
  const testRecords = test?.flatMap(replayAsRecords);
  const predictions = new Map<PredictorName, Map<string, HeldOutPrediction>>();
  for (const [name, fit] of Object.entries(PREDICTORS) as [PredictorName, (typeof PREDICTORS)[PredictorName]][]) {
    const started = performance.now();
    let out: HeldOutPrediction[];
    if (testRecords) {
      const predictor = fit(trainRecords);
      out = testRecords.map((record) => {
        const p = predictor.predict(record);
        return { record, predictedMs: p.medianMs, p90Ms: p.p90Ms };
      });
    } else {
      out = leaveRunsOut(trainRecords, folds, fit);
    }
    predictions.set(name, new Map(out.map((o) => [`${o.record.runId}\0${o.record.taskId}`, o])));
    log(`${name}: ${out.length} held-out predictions in ${((performance.now() - started) / 1000).toFixed(1)}s`);
  }
  const method = test
    ? `trained on ${train.length} executions, tested on ${test.length} others`
    : `leave-runs-out over ${train.length} executions in ${Math.min(folds, train.length)} folds (no execution predicts its own tasks)`;
  return { executions: test ?? train, method, predictions };
}
