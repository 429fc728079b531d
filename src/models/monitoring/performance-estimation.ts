/**
 * Performance of a binary classifier estimated without labels (CBPE, as NannyML): the
 * model's scores are calibrated on labelled reference data (isotonic regression by pool
 * adjacent violators, or Platt scaling), then on unlabelled current data each row's
 * calibrated probability p is its expected contribution to the confusion matrix —
 * predicted positive: p to TP, 1 − p to FP; predicted negative: p to FN, 1 − p to TN.
 * Valid while the relation between score and outcome (concept) holds; covariate shift
 * alone is what it is for.
 */
import { MonitoringInputError, requireNonEmpty } from './monitoring-errors.js';

/** A fitted calibration: raw score → probability of the positive class. */
export type Calibration =
  | { readonly kind: 'isotonic'; readonly thresholds: readonly number[]; readonly values: readonly number[] }
  | { readonly kind: 'platt'; readonly a: number; readonly b: number };

function checkPairs(labels: ArrayLike<number>, scores: ArrayLike<number>): void {
  requireNonEmpty('labels', labels);
  if (labels.length !== scores.length)
    throw new MonitoringInputError(
      'scores',
      `has ${scores.length} values for ${labels.length} labels; pass one per label`,
    );
}

/** Isotonic regression of labels on scores (non-decreasing step function), by pooling adjacent violators. */
export function fitIsotonic(labels: ArrayLike<number>, scores: ArrayLike<number>): Calibration {
  checkPairs(labels, scores);
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  const blocks: { sum: number; weight: number; hi: number }[] = [];
  for (const i of order) {
    blocks.push({ sum: labels[i]!, weight: 1, hi: scores[i]! });
    while (blocks.length > 1) {
      const last = blocks[blocks.length - 1]!;
      const prev = blocks[blocks.length - 2]!;
      if (prev.sum / prev.weight < last.sum / last.weight && prev.hi !== last.hi) break;
      blocks.pop();
      blocks[blocks.length - 1] = { sum: prev.sum + last.sum, weight: prev.weight + last.weight, hi: last.hi };
    }
  }
  return { kind: 'isotonic', thresholds: blocks.map((b) => b.hi), values: blocks.map((b) => b.sum / b.weight) };
}

/** Platt scaling: logistic regression of labels on the score, by Newton's method. Feed it a margin (logit), not a probability. */
export function fitPlatt(labels: ArrayLike<number>, scores: ArrayLike<number>): Calibration {
  checkPairs(labels, scores);
  let a = 0;
  let b = 0;
  for (let iter = 0; iter < 50; iter++) {
    let [ga, gb, haa, hab, hbb] = [0, 0, 1e-9, 0, 1e-9];
    for (let i = 0; i < labels.length; i++) {
      const p = 1 / (1 + Math.exp(-(a * scores[i]! + b)));
      const r = p - labels[i]!;
      const w = p * (1 - p);
      ga += r * scores[i]!;
      gb += r;
      haa += w * scores[i]! ** 2;
      hab += w * scores[i]!;
      hbb += w;
    }
    const det = haa * hbb - hab * hab;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    a -= da;
    b -= db;
    if (Math.abs(da) + Math.abs(db) < 1e-10) break;
  }
  return { kind: 'platt', a, b };
}

export function calibrate(calibration: Calibration, score: number): number {
  if (calibration.kind === 'platt') return 1 / (1 + Math.exp(-(calibration.a * score + calibration.b)));
  const { thresholds, values } = calibration;
  // The first block whose upper score reaches this one (scores past the last get its value).
  let lo = 0;
  let hi = thresholds.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (thresholds[mid]! >= score) hi = mid;
    else lo = mid + 1;
  }
  return values[lo]!;
}

export interface EstimatedPerformance {
  readonly kind: 'estimated';
  readonly rows: number;
  readonly confusion: { readonly tp: number; readonly fp: number; readonly tn: number; readonly fn: number };
  readonly accuracy: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

/** The expected confusion matrix and metrics on unlabelled scores, predicting positive at `threshold`. */
export function estimatePerformance(
  calibration: Calibration,
  scores: ArrayLike<number>,
  threshold = 0.5,
): EstimatedPerformance {
  requireNonEmpty('scores', scores);
  let [tp, fp, tn, fn] = [0, 0, 0, 0];
  for (let i = 0; i < scores.length; i++) {
    const p = calibrate(calibration, scores[i]!);
    if (scores[i]! >= threshold) [tp, fp] = [tp + p, fp + 1 - p];
    else [fn, tn] = [fn + p, tn + 1 - p];
  }
  const rows = scores.length;
  const precision = tp / (tp + fp || 1);
  const recall = tp / (tp + fn || 1);
  return {
    kind: 'estimated',
    rows,
    confusion: { tp, fp, tn, fn },
    accuracy: (tp + tn) / rows,
    precision,
    recall,
    f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
  };
}
