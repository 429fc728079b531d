import { describe, expect, it } from 'vitest';
import { MISSING_BIN, binColumn, binOf, interleaveBins, quantileCuts } from './quantile-bins.js';

describe('quantile bins', () => {
  it('gives each distinct value its own bin when there are few, and NaN the missing bin', () => {
    const column = Float32Array.from([3, 1, 2, NaN, 2, 1, 3]);
    const cuts = quantileCuts(column, 255);
    expect([...cuts]).toEqual([2, 3]);
    expect([...binColumn(column, cuts)]).toEqual([2, 0, 1, MISSING_BIN, 1, 0, 2]);
  });

  it('keeps the threshold rule: bin <= b exactly when value < cuts[b]', () => {
    const column = Float32Array.from({ length: 10_000 }, (_, i) => Math.fround(Math.sin(i) * 100));
    const cuts = quantileCuts(column, 255);
    expect(cuts.length).toBeLessThanOrEqual(254);
    const broken = [];
    for (let b = 0; b < cuts.length; b += 17) {
      for (const v of column) if (binOf(cuts, v) <= b !== v < cuts[b]!) broken.push([b, v]);
    }
    expect(broken).toEqual([]);
  });

  it('spreads quantile bins evenly over many distinct values', () => {
    const column = Float32Array.from({ length: 25_500 }, (_, i) => i);
    const bins = binColumn(column, quantileCuts(column, 255));
    const counts = new Map<number, number>();
    for (const b of bins) counts.set(b, (counts.get(b) ?? 0) + 1);
    expect(counts.size).toBe(255);
    expect(Math.max(...counts.values())).toBeLessThanOrEqual(101);
  });

  it('interleaves column bins row by row', () => {
    const a = Uint8Array.from([1, 2]);
    const b = Uint8Array.from([3, 4]);
    expect([...interleaveBins([a, b])]).toEqual([1, 3, 2, 4]);
  });
});
