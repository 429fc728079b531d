/**
 * The two training objectives: their gradients and hessians, their starting margin and
 * their evaluation metric (the one early stopping watches, as XGBoost's defaults do).
 */
import { ModelTrainingInvalidError } from './format-errors.js';

export const GbtObjective = {
  squaredError: 'reg:squarederror',
  logistic: 'binary:logistic',
} as const;
export type GbtObjective = (typeof GbtObjective)[keyof typeof GbtObjective];

/** Smallest hessian of the logistic loss, so a confident row still weighs something (XGBoost's floor). */
const MIN_HESS = 1e-16;

export function sigmoid(margin: number): number {
  return 1 / (1 + Math.exp(-margin));
}

/** Fills gradients and hessians for the current margins, interleaved (row i at 2i, 2i + 1): one cache line per row. */
export function computeGradients(
  objective: GbtObjective,
  labels: Float32Array,
  margins: Float64Array,
  gradHess: Float64Array,
): void {
  if (objective === GbtObjective.squaredError) {
    for (let i = 0; i < labels.length; i++) {
      gradHess[2 * i] = margins[i]! - labels[i]!;
      gradHess[2 * i + 1] = 1;
    }
    return;
  }
  for (let i = 0; i < labels.length; i++) {
    const p = sigmoid(margins[i]!);
    gradHess[2 * i] = p - labels[i]!;
    gradHess[2 * i + 1] = Math.max(p * (1 - p), MIN_HESS);
  }
}

/** The starting margin: the labels' mean (its logit for logistic), as XGBoost's boost_from_average. */
export function baseMarginOf(objective: GbtObjective, labels: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < labels.length; i++) sum += labels[i]!;
  const mean = sum / labels.length;
  if (objective === GbtObjective.squaredError) return mean;
  const p = Math.min(Math.max(mean, 1e-6), 1 - 1e-6);
  return Math.log(p / (1 - p));
}

/** Checks labels fit the objective (logistic needs 0 or 1). */
export function checkLabels(objective: GbtObjective, labels: Float32Array): void {
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!;
    const ok = objective === GbtObjective.logistic ? y === 0 || y === 1 : Number.isFinite(y);
    if (!ok) {
      const expected = objective === GbtObjective.logistic ? '0 or 1' : 'a finite number';
      throw new ModelTrainingInvalidError(`label ${y} at row ${i} is not ${expected} (objective ${objective})`, {
        row: i,
        label: y,
      });
    }
  }
}

/** The validation loss early stopping minimises: RMSE for regression, log loss for logistic. */
export function evaluationLoss(objective: GbtObjective, labels: Float32Array, margins: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < labels.length; i++) {
    if (objective === GbtObjective.squaredError) {
      const d = margins[i]! - labels[i]!;
      sum += d * d;
    } else {
      const p = Math.min(Math.max(sigmoid(margins[i]!), 1e-15), 1 - 1e-15);
      sum -= labels[i]! ? Math.log(p) : Math.log(1 - p);
    }
  }
  return objective === GbtObjective.squaredError ? Math.sqrt(sum / labels.length) : sum / labels.length;
}
