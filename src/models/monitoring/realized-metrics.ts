/**
 * Realized performance once labels arrive: binary classification (accuracy at a
 * threshold, ROC AUC by ranks with ties averaged, log loss with probabilities clipped
 * as scikit-learn does) and regression (RMSE, MAE).
 */
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
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let rankSumPositive = 0;
  let positives = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && scores[order[j + 1]!] === scores[order[i]!]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++)
      if (labels[order[k]!] === 1) [rankSumPositive, positives] = [rankSumPositive + rank, positives + 1];
    i = j + 1;
  }
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0) return NaN;
  return (rankSumPositive - (positives * (positives + 1)) / 2) / (positives * negatives);
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
