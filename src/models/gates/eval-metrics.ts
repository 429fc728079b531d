/**
 * Evaluation metrics over a subset of rows given by index (a bootstrap resample repeats
 * rows), so resampling never copies predictions. AUC is the formats module's
 * (sklearn's roc_auc_score; NaN when the rows hold one class only). Accuracy thresholds probabilities at 0.5.
 */
import { rocAucOfRows } from '../formats/gbt-metrics.js';
import type { GateMetric } from './gate-types.js';

export type MetricFn = (labels: Float64Array, predictions: Float64Array, rows: Int32Array) => number;

const EPS = 1e-15;

const auc: MetricFn = rocAucOfRows;

function mean(rows: Int32Array, term: (i: number) => number): number {
  let sum = 0;
  for (let k = 0; k < rows.length; k++) sum += term(rows[k]!);
  return sum / rows.length;
}

export const METRICS: Readonly<Record<GateMetric, MetricFn>> = {
  auc,
  accuracy: (y, p, rows) => mean(rows, (i) => ((p[i]! >= 0.5 ? 1 : 0) === (y[i]! > 0.5 ? 1 : 0) ? 1 : 0)),
  rmse: (y, p, rows) => Math.sqrt(mean(rows, (i) => (p[i]! - y[i]!) ** 2)),
  mae: (y, p, rows) => mean(rows, (i) => Math.abs(p[i]! - y[i]!)),
  logloss: (y, p, rows) =>
    mean(rows, (i) => {
      const q = Math.min(1 - EPS, Math.max(EPS, p[i]!));
      return y[i]! > 0.5 ? -Math.log(q) : -Math.log(1 - q);
    }),
};
