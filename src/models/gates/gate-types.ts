/**
 * A registered model's validation gate: metrics Strata computes from a candidate
 * version's predictions on an evaluation Delta table, each held to a threshold with a
 * bootstrap confidence interval. A rule passes only when the whole interval clears it:
 * the lower bound for metrics where higher is better (and for improvements), the upper
 * bound for errors (RMSE, MAE, log loss).
 */

export const GATE_METRICS = ['auc', 'accuracy', 'rmse', 'mae', 'logloss'] as const;
export type GateMetric = (typeof GATE_METRICS)[number];

/** Whether a larger value of the metric is better. */
export const HIGHER_IS_BETTER: Readonly<Record<GateMetric, boolean>> = {
  auc: true,
  accuracy: true,
  rmse: false,
  mae: false,
  logloss: false,
};

/**
 * `absolute`: the candidate's metric against `threshold` (at least for AUC/accuracy, at
 * most for errors). `absoluteImprovement` / `relativeImprovement`: the candidate's gain
 * over the current champion (a reduction, for errors), paired on the same resampled
 * rows, at least `threshold` (relative: as a fraction of the champion's value). With no
 * champion yet, improvement rules pass and say so.
 */
export interface GateRule {
  readonly kind: 'absolute' | 'absoluteImprovement' | 'relativeImprovement';
  readonly metric: GateMetric;
  readonly threshold: number;
}

export interface GateSpec {
  /** The evaluation table (a catalog name), read at `version` or its latest. */
  readonly table: string;
  readonly version?: number;
  /** The label column (0/1 for AUC, accuracy and log loss). */
  readonly label: string;
  readonly rules: readonly GateRule[];
  /** Two-sided confidence of the intervals (default 0.95). */
  readonly confidence?: number;
  /** Bootstrap resamples (default 1000). */
  readonly resamples?: number;
  /** The resampling seed (default 1: decisions are reproducible). */
  readonly seed?: number;
}

export interface RuleResult {
  readonly rule: GateRule;
  readonly passed: boolean;
  /** The candidate's metric on all rows. */
  readonly candidate: number;
  /** The champion's, for improvement rules with a champion. */
  readonly champion?: number;
  /** The estimate the threshold applies to (the metric, or the improvement), and its interval. */
  readonly estimate: number;
  readonly lower: number;
  readonly upper: number;
  readonly note?: string;
}

export interface GateDecision {
  readonly id: number;
  readonly name: string;
  readonly version: number;
  readonly passed: boolean;
  readonly championVersion: number | null;
  /** The evaluation table and the Delta version read. */
  readonly table: string;
  readonly tableVersion: number;
  readonly rows: number;
  readonly confidence: number;
  readonly resamples: number;
  readonly seed: number;
  readonly results: readonly RuleResult[];
  readonly decidedTime: number;
}
