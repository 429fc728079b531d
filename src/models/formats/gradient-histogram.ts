/**
 * Gradient histograms: per feature and bin, the sums of gradients and hessians of a node's
 * rows, laid out as `hist[(f * BIN_STRIDE + bin) * 2]` (gradient) and `+ 1` (hessian).
 * Only the smaller child of a split is summed from its rows; the larger one is the parent
 * minus it (the sibling subtraction trick), which halves the work per level at least.
 */
import { BIN_STRIDE } from './quantile-bins.js';

export function newHistogram(features: number): Float64Array {
  return new Float64Array(features * BIN_STRIDE * 2);
}

/** Sums the gradients of `rows[start..end)` into a fresh histogram. */
export function buildHistogram(
  bins: Uint8Array,
  features: number,
  rows: Uint32Array,
  start: number,
  end: number,
  grad: Float64Array,
  hess: Float64Array,
): Float64Array {
  const hist = newHistogram(features);
  for (let i = start; i < end; i++) {
    const r = rows[i]!;
    const g = grad[r]!;
    const h = hess[r]!;
    const base = r * features;
    for (let f = 0; f < features; f++) {
      const at = (f * BIN_STRIDE + bins[base + f]!) * 2;
      hist[at]! += g;
      hist[at + 1]! += h;
    }
  }
  return hist;
}

/** `parent - child`: the sibling's histogram, without touching its rows. */
export function subtractHistogram(parent: Float64Array, child: Float64Array): Float64Array {
  const out = new Float64Array(parent.length);
  for (let i = 0; i < out.length; i++) out[i] = parent[i]! - child[i]!;
  return out;
}
