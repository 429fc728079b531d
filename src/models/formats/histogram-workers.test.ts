import { describe, expect, it } from 'vitest';
import { CHUNK_ROWS, HistogramBuilder } from './histogram-workers.js';
import { BIN_STRIDE } from './quantile-bins.js';
import { seededRandom } from '../../core/index.js';

/** The plain per-row sum, in float64 and row order: what the chunked sums must approximate. */
function naive(
  bins: Uint8Array,
  features: number,
  rows: Uint32Array,
  gradHess: Float64Array,
  start: number,
  end: number,
) {
  const hist = new Float64Array(features * BIN_STRIDE * 2);
  for (let i = start; i < end; i++) {
    const r = rows[i]!;
    for (let f = 0; f < features; f++) {
      const slot = (f * BIN_STRIDE + bins[r * features + f]!) * 2;
      hist[slot]! += gradHess[2 * r]!;
      hist[slot + 1]! += gradHess[2 * r + 1]!;
    }
  }
  return hist;
}

describe('histograms summed by worker threads', () => {
  it('match the plain sum over any range, and are identical whatever the number of threads', () => {
    const rows = 3 * CHUNK_ROWS + 123;
    const features = 3;
    const random = seededRandom(11);
    const bins = Uint8Array.from({ length: rows * features }, () => Math.floor(random() * 256));
    const order = Uint32Array.from({ length: rows }, (_, i) => (i * 7919) % rows);
    const gradHess = Float64Array.from({ length: rows * 2 }, () => random() - 0.3);
    const ranges = [
      [0, rows],
      [5, CHUNK_ROWS + 9],
      [CHUNK_ROWS, CHUNK_ROWS + 10],
    ] as const;
    const results = [1, 2, 4].map((threads) => {
      const builder = new HistogramBuilder(bins, features, rows, threads);
      builder.rows.set(order);
      builder.gradHess.set(gradHess);
      try {
        return ranges.map(([start, end]) => builder.build(start, end));
      } finally {
        builder.close();
      }
    });
    ranges.forEach(([start, end], i) => {
      const expected = naive(bins, features, order, gradHess, start, end);
      const got = results[0]![i]!;
      expect(Math.max(...got.map((v, j) => Math.abs(v - expected[j]!)))).toBeLessThan(1e-9);
      for (const other of results.slice(1)) expect([...other[i]!]).toEqual([...got]);
    });
  });
});
