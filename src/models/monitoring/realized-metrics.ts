/**
 * Realized performance once labels arrive: binary classification (accuracy at a
 * threshold, ROC AUC by ranks with ties averaged, log loss with probabilities clipped
 * as scikit-learn does) and regression (RMSE, MAE).
 */
import { rocAuc as formatsRocAuc } from '../formats/gbt-metrics.js';
import { MonitoringInputError, requireNonEmpty } from './monitoring-errors.js';

export interface ClassificationMetrics {
  readonly kind: 'classification';
  readonly rows: number;
  readonly accuracy: number;
  readonly auc: number;
  readonly logLoss: number;
}

export interface RegressionMetrics {
  readonly kind: 'regression';
  readonly rows: number;
  readonly rmse: number;
  readonly mae: number;
}

function sameLength(a: ArrayLike<number>, b: ArrayLike<number>): void {
  requireNonEmpty('labels', a);
  if (a.length !== b.length)
    throw new MonitoringInputError('predictions', `has ${b.length} values for ${a.length} labels; pass one per label`);
}

/** Probability of a positive ranked above a negative (ties count half): the Mann–Whitney U / (n₁n₀). */
export function rocAuc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  sameLength(labels, scores);
  return formatsRocAuc(labels, scores);
}

export function classificationMetrics(
  labels: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  threshold = 0.5,
): ClassificationMetrics {
  sameLength(labels, probabilities);
  const eps = 1e-15;
  let correct = 0;
  let loss = 0;
  for (let i = 0; i < labels.length; i++) {
    const p = Math.min(1 - eps, Math.max(eps, probabilities[i]!));
    const y = labels[i]!;
    if ((p >= threshold ? 1 : 0) === y) correct++;
    loss -= y === 1 ? Math.log(p) : Math.log(1 - p);
  }
  const rows = labels.length;
  return {
    kind: 'classification',
    rows,
    accuracy: correct / rows,
    auc: rocAuc(labels, probabilities),
    logLoss: loss / rows,
  };
}

export function regressionMetrics(actual: ArrayLike<number>, predicted: ArrayLike<number>): RegressionMetrics {
  sameLength(actual, predicted);
  let se = 0;
  let ae = 0;
  for (let i = 0; i < actual.length; i++) {
    const e = predicted[i]! - actual[i]!;
    se += e * e;
    ae += Math.abs(e);
  }
  return { kind: 'regression', rows: actual.length, rmse: Math.sqrt(se / actual.length), mae: ae / actual.length };
}
