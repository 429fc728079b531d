import { describe, expect, it } from 'vitest';
import { newHistogram } from './gradient-histogram.js';
import { BIN_STRIDE, MISSING_BIN } from './quantile-bins.js';
import { findBestSplit } from './split-finder.js';

const params = { lambda: 1, gamma: 0, minChildWeight: 1 };

/** A histogram of one or two features from (feature, bin, gradient, hessian) entries. */
function histogram(features: number, entries: readonly [number, number, number, number][]) {
  const hist = newHistogram(features);
  let g = 0;
  let h = 0;
  for (const [f, bin, grad, hess] of entries) {
    hist[(f * BIN_STRIDE + bin) * 2]! += grad;
    hist[(f * BIN_STRIDE + bin) * 2 + 1]! += hess;
    g += grad;
    h += hess;
  }
  return { hist, g, h };
}

describe('split finding', () => {
  it('splits where the gradients change sign, with XGBoost gain', () => {
    const { hist, g, h } = histogram(1, [
      [0, 0, -5, 5],
      [0, 1, -5, 5],
      [0, 2, 5, 5],
      [0, 3, 5, 5],
    ]);
    const split = findBestSplit(hist, [4], Uint8Array.of(1), g, h, params)!;
    expect([split.feature, split.bin]).toEqual([0, 1]);
    expect(split.gain).toBeCloseTo(100 / 11 + 100 / 11 - 0, 10);
  });

  it('picks the feature with the larger gain and skips features not drawn', () => {
    const { hist, g, h } = histogram(2, [
      [0, 0, -1, 5],
      [0, 1, 1, 5],
      [1, 0, -5, 5],
      [1, 1, 5, 5],
    ]);
    expect(findBestSplit(hist, [2, 2], Uint8Array.of(1, 1), g, h, params)!.feature).toBe(1);
    expect(findBestSplit(hist, [2, 2], Uint8Array.of(1, 0), g, h, params)!.feature).toBe(0);
  });

  it('learns the missing direction: missing rows go with the side their gradients match', () => {
    const right = histogram(1, [
      [0, 0, -5, 5],
      [0, 1, 5, 5],
      [0, MISSING_BIN, 6, 5],
    ]);
    expect(findBestSplit(right.hist, [2], Uint8Array.of(1), right.g, right.h, params)!.defaultLeft).toBe(false);
    const left = histogram(1, [
      [0, 0, -5, 5],
      [0, 1, 5, 5],
      [0, MISSING_BIN, -6, 5],
    ]);
    expect(findBestSplit(left.hist, [2], Uint8Array.of(1), left.g, left.h, params)!.defaultLeft).toBe(true);
  });

  it('refuses splits below gamma or leaving a child under min_child_weight', () => {
    const { hist, g, h } = histogram(1, [
      [0, 0, -5, 5],
      [0, 1, 5, 5],
    ]);
    expect(findBestSplit(hist, [2], Uint8Array.of(1), g, h, { ...params, gamma: 1000 })).toBeUndefined();
    expect(findBestSplit(hist, [2], Uint8Array.of(1), g, h, { ...params, minChildWeight: 6 })).toBeUndefined();
  });
});
