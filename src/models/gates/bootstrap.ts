/**
 * Seeded bootstrap resampling: the same seed gives the same resamples on every machine
 * (mulberry32, integer arithmetic only), so a recorded decision can be recomputed, and
 * a paired comparison scores both models on the same resampled rows. Intervals are
 * percentile intervals, interpolated linearly between order statistics (numpy's default).
 */
import { seededRandom } from '../../core/index.js';

/** `resamples` index arrays of `n` rows drawn with replacement. */
export function* bootstrapIndices(n: number, resamples: number, seed: number): Generator<Int32Array> {
  const random = seededRandom(seed);
  for (let b = 0; b < resamples; b++) {
    const rows = new Int32Array(n);
    for (let i = 0; i < n; i++) rows[i] = Math.floor(random() * n);
    yield rows;
  }
}

/** The `q` quantile (0..1) of `values` (NaNs ignored), linear between order statistics. */
export function quantile(values: readonly number[], q: number): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const at = q * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

/** The two-sided percentile interval at `confidence`. */
export function percentileInterval(values: readonly number[], confidence: number): { lower: number; upper: number } {
  const tail = (1 - confidence) / 2;
  return { lower: quantile(values, tail), upper: quantile(values, 1 - tail) };
}
