/**
 * Distances and tests between a reference and a current sample, with the definitions
 * Evidently uses (so thresholds carry over): PSI and Jensen–Shannon on shared bins
 * (numeric: bins from the reference's range; categorical: the union of categories, with
 * empty cells clipped to 1e-4 so logs stay finite), the Wasserstein-1 distance divided
 * by the reference's standard deviation, the chi-squared goodness-of-fit of current
 * counts against the reference's shares, and the two-proportion z-test for binary data.
 */
import { MonitoringInputError, requireNonEmpty } from './monitoring-errors.js';
import { chiSquaredSf, normalSf } from './special-functions.js';
import { sorted } from './ks-test.js';

/** Share floor for empty cells (Evidently's), so PSI and JS stay finite. */
export const EMPTY_SHARE = 1e-4;

export interface Shares {
  readonly reference: Float64Array;
  readonly current: Float64Array;
}

/** Shares per category over the union of both samples' categories (sorted for a stable order). */
export function categoryShares(
  reference: readonly string[],
  current: readonly string[],
): Shares & { readonly categories: readonly string[] } {
  requireNonEmpty('reference', reference);
  requireNonEmpty('current', current);
  const categories = [...new Set([...reference, ...current])].sort();
  const index = new Map(categories.map((c, i) => [c, i]));
  const count = (values: readonly string[]) => {
    const out = new Float64Array(categories.length);
    for (const v of values) out[index.get(v)!]! += 1;
    return out.map((c) => c / values.length);
  };
  return { categories, reference: count(reference), current: count(current) };
}

/** Shares over `bins` equal-width bins spanning both samples (Evidently's histogram binning). */
export function numericShares(reference: ArrayLike<number>, current: ArrayLike<number>, bins = 10): Shares {
  requireNonEmpty('reference', reference);
  requireNonEmpty('current', current);
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of [reference, current]) {
    for (let i = 0; i < v.length; i++) {
      lo = Math.min(lo, v[i]!);
      hi = Math.max(hi, v[i]!);
    }
  }
  const width = hi > lo ? (hi - lo) / bins : 1;
  const count = (values: ArrayLike<number>) => {
    const out = new Float64Array(bins);
    for (let i = 0; i < values.length; i++) out[Math.min(bins - 1, Math.floor((values[i]! - lo) / width))]! += 1;
    return out.map((c) => c / values.length);
  };
  return { reference: count(reference), current: count(current) };
}

const clip = (shares: Float64Array) => shares.map((s) => (s === 0 ? EMPTY_SHARE : s));

/** Population stability index Σ (cur − ref) · ln(cur / ref) over clipped shares. */
export function psi(shares: Shares): number {
  const r = clip(shares.reference);
  const c = clip(shares.current);
  let sum = 0;
  for (let i = 0; i < r.length; i++) sum += (c[i]! - r[i]!) * Math.log(c[i]! / r[i]!);
  return sum;
}

/** Jensen–Shannon distance (natural log, as SciPy's `jensenshannon`): √ of the divergence. */
export function jensenShannonDistance(shares: Shares): number {
  const p = normalize(clip(shares.reference));
  const q = normalize(clip(shares.current));
  let divergence = 0;
  for (let i = 0; i < p.length; i++) {
    const m = (p[i]! + q[i]!) / 2;
    if (p[i]! > 0) divergence += 0.5 * p[i]! * Math.log(p[i]! / m);
    if (q[i]! > 0) divergence += 0.5 * q[i]! * Math.log(q[i]! / m);
  }
  return Math.sqrt(Math.max(0, divergence));
}

function normalize(values: Float64Array): Float64Array {
  const total = values.reduce((a, b) => a + b, 0);
  return values.map((v) => v / total);
}

/** Wasserstein-1 distance between the two empirical distributions: ∫ |F_ref − F_cur|. */
export function wassersteinDistance(reference: ArrayLike<number>, current: ArrayLike<number>): number {
  requireNonEmpty('reference', reference);
  requireNonEmpty('current', current);
  const a = sorted(reference);
  const b = sorted(current);
  const all = sorted([...a, ...b]);
  let i = 0;
  let j = 0;
  let sum = 0;
  for (let k = 0; k < all.length - 1; k++) {
    const x = all[k]!;
    while (i < a.length && a[i]! <= x) i++;
    while (j < b.length && b[j]! <= x) j++;
    sum += Math.abs(i / a.length - j / b.length) * (all[k + 1]! - x);
  }
  return sum;
}

/** Population standard deviation (NumPy's default ddof = 0, as Evidently divides by). */
export function standardDeviation(values: ArrayLike<number>): number {
  let mean = 0;
  for (let i = 0; i < values.length; i++) mean += values[i]!;
  mean /= values.length;
  let ss = 0;
  for (let i = 0; i < values.length; i++) ss += (values[i]! - mean) ** 2;
  return Math.sqrt(ss / values.length);
}

/** Wasserstein distance in units of the reference's spread (floored at 0.001, as Evidently). */
export function normalizedWasserstein(reference: ArrayLike<number>, current: ArrayLike<number>): number {
  return wassersteinDistance(reference, current) / Math.max(0.001, standardDeviation(reference));
}

export interface PValueResult {
  readonly statistic: number;
  readonly pValue: number;
}

/**
 * Chi-squared goodness of fit of the current counts to the reference's shares (SciPy's
 * `chisquare(current_counts, reference_share × n_current)`), over the reference's categories.
 */
export function chiSquaredTest(reference: readonly string[], current: readonly string[]): PValueResult {
  const { reference: ref, current: cur } = categoryShares(reference, current);
  const n = current.length;
  let statistic = 0;
  let cells = 0;
  for (let i = 0; i < ref.length; i++) {
    if (ref[i] === 0) {
      // A category the reference never saw cannot be expected: infinite evidence of change.
      if (cur[i]! > 0) return { statistic: Infinity, pValue: 0 };
      continue;
    }
    const expected = ref[i]! * n;
    statistic += (cur[i]! * n - expected) ** 2 / expected;
    cells++;
  }
  if (cells < 2) return { statistic: 0, pValue: 1 };
  return { statistic, pValue: chiSquaredSf(statistic, cells - 1) };
}

/** Two-sided pooled z-test for the share of `positive` in both samples (Evidently's binary test). */
export function proportionZTest(
  reference: readonly string[],
  current: readonly string[],
  positive: string,
): PValueResult {
  requireNonEmpty('reference', reference);
  requireNonEmpty('current', current);
  const k1 = reference.filter((v) => v === positive).length;
  const k2 = current.filter((v) => v === positive).length;
  const n1 = reference.length;
  const n2 = current.length;
  const pooled = (k1 + k2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (se === 0) return { statistic: 0, pValue: 1 };
  const statistic = (k2 / n2 - k1 / n1) / se;
  return { statistic, pValue: 2 * normalSf(Math.abs(statistic)) };
}

/** Fails fast on options no statistic can use (a bin count below 2). */
export function checkBins(bins: number): void {
  if (!Number.isInteger(bins) || bins < 2) throw new MonitoringInputError('bins', `is ${bins}; pass an integer ≥ 2`);
}
