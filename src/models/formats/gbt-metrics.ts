/**
 * Metrics to compare models on the same rows: RMSE for regression, ROC AUC for binary
 * classification (ties counted half, by ranks), log loss.
 */
export function rmse(labels: ArrayLike<number>, predictions: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < labels.length; i++) sum += (predictions[i]! - labels[i]!) ** 2;
  return Math.sqrt(sum / labels.length);
}

/** ROC AUC of all rows: see rocAucOfRows. */
export function rocAuc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  return rocAucOfRows(
    labels,
    scores,
    Int32Array.from({ length: labels.length }, (_, i) => i),
  );
}

/**
 * ROC AUC of the rows listed in `rows` (a bootstrap resample may repeat rows, and nothing
 * is copied): the Mann–Whitney statistic, tied scores sharing their average rank (what
 * sklearn's roc_auc_score computes), a label above 0.5 counting as positive; NaN when
 * the rows hold one class only. The one AUC of the models module: trainers, monitoring
 * and gates all use it.
 */
export function rocAucOfRows(labels: ArrayLike<number>, scores: ArrayLike<number>, rows: Int32Array): number {
  const order = Int32Array.from(rows).sort((a, b) => scores[a]! - scores[b]!);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && scores[order[j + 1]!] === scores[order[i]!]) j++;
    const rank = (i + j) / 2 + 1; // the tie group's average 1-based rank
    for (let k = i; k <= j; k++) {
      if (labels[order[k]!]! > 0.5) {
        positives++;
        rankSum += rank;
      }
    }
    i = j + 1;
  }
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export function logLoss(labels: ArrayLike<number>, probabilities: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < labels.length; i++) {
    const p = Math.min(Math.max(probabilities[i]!, 1e-15), 1 - 1e-15);
    sum -= labels[i] ? Math.log(p) : Math.log(1 - p);
  }
  return sum / labels.length;
}
