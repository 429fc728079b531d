/**
 * The two-sample Kolmogorov–Smirnov test, two-sided, as SciPy's `ks_2samp` (method
 * 'auto'): the statistic D = sup |F_ref - F_cur|, and its p-value exact (the lattice-path
 * count of P(D ≥ d) under the null, no ties assumed) when the samples are small enough
 * (m·n ≤ EXACT_LIMIT), otherwise the asymptotic Kolmogorov distribution of D·√(mn/(m+n)).
 * SciPy's asymptotic branch uses the finite-n one-sample distribution at round(mn/(m+n)),
 * so asymptotic p-values agree with it to about 1e-3, exact ones to 1e-9.
 */
import { requireNonEmpty } from './monitoring-errors.js';
import { kolmogorovSf } from './special-functions.js';

/** Beyond this many lattice cells (m·n) the O(m·n) exact count gives way to the asymptotic law. */
export const EXACT_LIMIT = 10_000_000;

export interface KsResult {
  readonly kind: 'ks';
  readonly statistic: number;
  readonly pValue: number;
  readonly method: 'exact' | 'asymptotic';
}

export function sorted(values: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(values as ArrayLike<number>);
  return out.sort();
}

/** D = sup |F_a - F_b| over both samples (sorted inputs). */
export function ksStatistic(a: Float64Array, b: Float64Array): number {
  const m = a.length;
  const n = b.length;
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < m && j < n) {
    const x = Math.min(a[i]!, b[j]!);
    while (i < m && a[i]! <= x) i++;
    while (j < n && b[j]! <= x) j++;
    d = Math.max(d, Math.abs(i / m - j / n));
  }
  return d;
}

/**
 * P(D ≥ d) exactly: the share of monotone lattice paths from (0,0) to (m,n) that leave
 * the band |i/m - j/n| < d. Paths are weighted so each row is a probability (dividing
 * by the binomial count as we go), which keeps the numbers in range for large m, n.
 */
export function ksExactPValue(d: number, m: number, n: number): number {
  // Compare in integer units of 1/(m·n) so a path exactly at d counts as outside, as the
  // statistic it would produce is d itself.
  const limit = Math.round(d * m * n) - 0.5;
  const inside = (i: number, j: number) => Math.abs(i * n - j * m) < limit;
  const u = new Float64Array(n + 1);
  for (let j = 0; j <= n; j++) u[j] = inside(0, j) ? 1 : 0;
  for (let i = 1; i <= m; i++) {
    const w = i / (i + n);
    u[0] = inside(i, 0) ? w * u[0]! : 0;
    for (let j = 1; j <= n; j++) {
      // u[j] holds paths(i, j) / C(i + n, n): the row above scales by C(i-1+n, n)/C(i+n, n).
      u[j] = inside(i, j) ? w * u[j]! + u[j - 1]! : 0;
    }
  }
  return Math.min(1, Math.max(0, 1 - u[n]!));
}

export function ksTwoSample(reference: ArrayLike<number>, current: ArrayLike<number>): KsResult {
  requireNonEmpty('reference', reference);
  requireNonEmpty('current', current);
  const a = sorted(reference);
  const b = sorted(current);
  const m = a.length;
  const n = b.length;
  const statistic = ksStatistic(a, b);
  if (m * n <= EXACT_LIMIT) return { kind: 'ks', statistic, pValue: ksExactPValue(statistic, m, n), method: 'exact' };
  const en = (m * n) / (m + n);
  return { kind: 'ks', statistic, pValue: kolmogorovSf(statistic * Math.sqrt(en)), method: 'asymptotic' };
}
