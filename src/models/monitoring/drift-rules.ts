/**
 * Which statistic decides drift for a feature, and at what threshold.
 *
 * Mode `evidently` reproduces Evidently's defaults, so results match what users of it
 * expect: with ≤ 1000 reference rows a numeric feature (more than 5 distinct values) is
 * tested by KS (drift when p < 0.05), a binary one by the two-proportion z-test (p < 0.05),
 * other categorical ones by chi-squared (p < 0.05); above 1000 rows numeric features use
 * the normalized Wasserstein distance (drift when ≥ 0.1) and categorical ones the
 * Jensen–Shannon distance (≥ 0.1). The catch: p-values shrink with sample size and
 * distances do not, so an alert changes meaning at 1000 rows.
 *
 * Mode `size-independent` (the default) always uses the effect sizes (normalized
 * Wasserstein for numeric, JS for categorical), whose expected value under no drift does
 * not depend on a p-value's sample size; its threshold is either the fixed effect size
 * (`effect-size`) or learned from the reference (`learned`): the statistic of each
 * reference chunk of the current sample's size (at most half the reference) against the
 * rest of the reference, mean + 3
 * standard deviations, as NannyML's standard-deviation threshold.
 */
import { ksTwoSample } from './ks-test.js';
import {
  categoryShares,
  chiSquaredTest,
  jensenShannonDistance,
  normalizedWasserstein,
  proportionZTest,
} from './distribution-distance.js';
import { MonitoringInputError } from './monitoring-errors.js';

export const EVIDENTLY_SMALL_DATA_ROWS = 1000;
export const EFFECT_SIZE_THRESHOLD = 0.1;
export const P_VALUE_THRESHOLD = 0.05;

export type FeatureValues =
  | { readonly kind: 'numeric'; readonly values: ArrayLike<number> }
  | { readonly kind: 'categorical'; readonly values: readonly string[] };

export type DriftMode =
  | { readonly kind: 'evidently' }
  | { readonly kind: 'size-independent'; readonly threshold: 'effect-size' }
  | {
      readonly kind: 'size-independent';
      readonly threshold: 'learned';
      readonly chunks?: number;
      readonly sigmas?: number;
    };

export type DriftTestName = 'ks' | 'chi-squared' | 'z-test' | 'wasserstein-normed' | 'jensen-shannon';

export interface FeatureDrift {
  readonly test: DriftTestName;
  /** The value compared with the threshold: a p-value or a distance. */
  readonly value: number;
  readonly threshold: number;
  /** p-values drift when below the threshold, distances when at or above it. */
  readonly direction: 'below' | 'at-or-above';
  readonly drifted: boolean;
  readonly referenceSize: number;
  readonly currentSize: number;
}

export const DEFAULT_DRIFT_MODE: DriftMode = { kind: 'size-independent', threshold: 'effect-size' };

export function featureDrift(
  reference: FeatureValues,
  current: FeatureValues,
  mode: DriftMode = DEFAULT_DRIFT_MODE,
): FeatureDrift {
  if (reference.kind !== current.kind)
    throw new MonitoringInputError('current', `is ${current.kind} but the reference is ${reference.kind}`);
  const sizes = { referenceSize: reference.values.length, currentSize: current.values.length };
  if (mode.kind === 'evidently') return { ...evidentlyTest(reference, current), ...sizes };
  const test = effectSizeTest(reference.kind);
  const value = distance(test, reference, current);
  const threshold =
    mode.threshold === 'effect-size'
      ? EFFECT_SIZE_THRESHOLD
      : learnedThreshold(test, reference, current.values.length, mode.chunks ?? 20, mode.sigmas ?? 3);
  return { test, value, threshold, direction: 'at-or-above', drifted: value >= threshold, ...sizes };
}

type Decided = Omit<FeatureDrift, 'referenceSize' | 'currentSize'>;

function evidentlyTest(reference: FeatureValues, current: FeatureValues): Decided {
  const distinct = new Set(Array.from(reference.values as ArrayLike<number | string>)).size;
  const small = reference.values.length <= EVIDENTLY_SMALL_DATA_ROWS;
  const numeric = reference.kind === 'numeric' && distinct > 5;
  if (!small) {
    const test = numeric ? 'wasserstein-normed' : 'jensen-shannon';
    const value = distance(test, asKind(reference, numeric), asKind(current, numeric));
    return {
      test,
      value,
      threshold: EFFECT_SIZE_THRESHOLD,
      direction: 'at-or-above',
      drifted: value >= EFFECT_SIZE_THRESHOLD,
    };
  }
  const pTest = (test: DriftTestName, value: number): Decided => ({
    test,
    value,
    threshold: P_VALUE_THRESHOLD,
    direction: 'below',
    drifted: value < P_VALUE_THRESHOLD,
  });
  if (numeric)
    return pTest('ks', ksTwoSample(reference.values as ArrayLike<number>, current.values as ArrayLike<number>).pValue);
  const ref = labels(reference);
  const cur = labels(current);
  if (distinct <= 2) return pTest('z-test', proportionZTest(ref, cur, [...new Set(ref)].sort()[0]!).pValue);
  return pTest('chi-squared', chiSquaredTest(ref, cur).pValue);
}

/** Numeric features with few distinct values are treated as categories, as Evidently does. */
function asKind(values: FeatureValues, numeric: boolean): FeatureValues {
  return numeric ? values : { kind: 'categorical', values: labels(values) };
}

function labels(values: FeatureValues): readonly string[] {
  return values.kind === 'categorical' ? values.values : Array.from(values.values, (v) => String(v));
}

function effectSizeTest(kind: FeatureValues['kind']): DriftTestName {
  return kind === 'numeric' ? 'wasserstein-normed' : 'jensen-shannon';
}

function distance(test: DriftTestName, reference: FeatureValues, current: FeatureValues): number {
  if (test === 'wasserstein-normed')
    return normalizedWasserstein(reference.values as ArrayLike<number>, current.values as ArrayLike<number>);
  return jensenShannonDistance(categoryShares(labels(reference), labels(current)));
}

/**
 * The no-drift spread of the statistic at the current sample's size: contiguous chunks of
 * the reference (in its order, so seasonality in the reference widens the band as it
 * should) each against the rest of the reference (a chunk inside its own reference would
 * look closer than any independent sample); threshold = mean + sigmas × sd of those values.
 */
export function learnedThreshold(
  test: DriftTestName,
  reference: FeatureValues,
  chunkSize: number,
  chunks: number,
  sigmas: number,
): number {
  const n = reference.values.length;
  const size = Math.min(chunkSize, Math.floor(n / 2));
  if (size < 2) throw new MonitoringInputError('reference', `has ${n} rows; learned thresholds need at least 4`);
  // Overlapping chunks when the reference holds fewer than `chunks` disjoint ones: a
  // spread from two or three values would be noise.
  const count = Math.max(2, chunks);
  const step = (n - size) / Math.max(1, count - 1);
  const values: number[] = [];
  for (let c = 0; c < count; c++) {
    const start = Math.round(c * step);
    const [chunk, rest] = split(reference, start, start + size);
    values.push(distance(test, rest, chunk));
  }
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, values.length - 1));
  return mean + sigmas * sd;
}

/** The rows [start, end) and the rows outside them. */
function split(values: FeatureValues, start: number, end: number): [FeatureValues, FeatureValues] {
  const all = Array.from(values.values as ArrayLike<number | string>);
  const inside = all.slice(start, end);
  const outside = [...all.slice(0, start), ...all.slice(end)];
  return values.kind === 'numeric'
    ? [
        { kind: 'numeric', values: inside as number[] },
        { kind: 'numeric', values: outside as number[] },
      ]
    : [
        { kind: 'categorical', values: inside as string[] },
        { kind: 'categorical', values: outside as string[] },
      ];
}
