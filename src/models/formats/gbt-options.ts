/**
 * Training options of Strata's gradient-boosted trees, named and defaulted as XGBoost's
 * (eta 0.3, max_depth 6, lambda 1, gamma 0, min_child_weight 1, max_bin 256), so the same
 * numbers mean the same model family in both.
 */
import { availableParallelism } from 'node:os';
import { ModelTrainingInvalidError } from './format-errors.js';
import { GbtObjective } from './gbt-objective.js';

export interface GbtOptions {
  readonly objective?: GbtObjective;
  /** Boosting rounds (trees), at most. */
  readonly rounds?: number;
  readonly maxDepth?: number;
  readonly learningRate?: number;
  readonly minChildWeight?: number;
  /** L2 regularisation of leaf weights. */
  readonly lambda?: number;
  /** Minimum loss reduction of a split (min_split_loss). */
  readonly gamma?: number;
  /** Fraction of rows each tree sees, drawn from `seed`. */
  readonly subsample?: number;
  /** Fraction of features each tree may split on, drawn from `seed`. */
  readonly colsampleByTree?: number;
  /** Histogram bins per feature, missing values' bin included (at most 256). */
  readonly maxBins?: number;
  readonly seed?: number;
  /** Threads summing histograms (default: the machine's cores, at most 8). The model does not depend on it. */
  readonly threads?: number;
  /** Stop when the validation loss has not improved for this many rounds (needs a validation set). */
  readonly earlyStoppingRounds?: number;
}

export type ResolvedGbtOptions = Required<Omit<GbtOptions, 'earlyStoppingRounds'>> & {
  readonly earlyStoppingRounds: number | undefined;
};

function check(name: string, value: number, ok: boolean, expected: string): number {
  if (!ok || !Number.isFinite(value)) {
    throw new ModelTrainingInvalidError(`option ${name} = ${value} must be ${expected}`, { option: name, value });
  }
  return value;
}

export function resolveGbtOptions(options: GbtOptions): ResolvedGbtOptions {
  const objective = options.objective ?? GbtObjective.squaredError;
  if (!Object.values(GbtObjective).includes(objective)) {
    throw new ModelTrainingInvalidError(`objective ${String(objective)} is not one of ${Object.values(GbtObjective)}`);
  }
  const int = (name: string, v: number, min: number, max: number) =>
    check(name, v, Number.isInteger(v) && v >= min && v <= max, `an integer in ${min}..${max}`);
  const fraction = (name: string, v: number) => check(name, v, v > 0 && v <= 1, 'in (0, 1]');
  const nonNegative = (name: string, v: number) => check(name, v, v >= 0, '>= 0');
  const early = options.earlyStoppingRounds;
  return {
    objective,
    rounds: int('rounds', options.rounds ?? 100, 1, 100_000),
    maxDepth: int('maxDepth', options.maxDepth ?? 6, 1, 20),
    learningRate: check('learningRate', options.learningRate ?? 0.3, (options.learningRate ?? 0.3) > 0, '> 0'),
    minChildWeight: nonNegative('minChildWeight', options.minChildWeight ?? 1),
    lambda: nonNegative('lambda', options.lambda ?? 1),
    gamma: nonNegative('gamma', options.gamma ?? 0),
    subsample: fraction('subsample', options.subsample ?? 1),
    colsampleByTree: fraction('colsampleByTree', options.colsampleByTree ?? 1),
    maxBins: int('maxBins', options.maxBins ?? 256, 2, 256),
    seed: int('seed', options.seed ?? 0, 0, 2 ** 32 - 1),
    threads: int('threads', options.threads ?? Math.min(availableParallelism(), 8), 1, 64),
    earlyStoppingRounds: early === undefined ? undefined : int('earlyStoppingRounds', early, 1, 100_000),
  };
}
