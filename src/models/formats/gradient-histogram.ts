/**
 * Gradient histograms: per feature and bin, the sums of gradients and hessians of a node's
 * rows, laid out as `hist[(f * BIN_STRIDE + bin) * 2]` (gradient) and `+ 1` (hessian).
 * Only the smaller child of a split is summed from its rows (histogram-workers.ts); the
 * larger one is the parent minus it (the sibling subtraction trick), which halves the work
 * per level at least.
 */

import { BIN_STRIDE } from './quantile-bins.js';

export function newHistogram(features: number): Float64Array {
  return new Float64Array(features * BIN_STRIDE * 2);
}

/** `parent - child`: the sibling's histogram, without touching its rows. */
export function subtractHistogram(parent: Float64Array, child: Float64Array): Float64Array {
  const out = new Float64Array(parent.length);
  for (let i = 0; i < out.length; i++) out[i] = parent[i]! - child[i]!;
  return out;
}
