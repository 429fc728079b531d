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

/** Sums the gradients of `rows[start..end)` into a fresh histogram (`gradHess`: gradient, hessian per row, interleaved). */
export function buildHistogram(
  bins: Uint8Array,
  features: number,
  rows: Uint32Array,
  start: number,
  end: number,
  gradHess: Float64Array,
): Float64Array {
  const hist = newHistogram(features);
  const span = features * BIN_STRIDE * 2;
  for (let i = start; i < end; i++) {
    const r = rows[i]!;
    const g = gradHess[2 * r]!;
    const h = gradHess[2 * r + 1]!;
    let at = r * features;
    // One feature's bins after another: `offset` walks the features' histogram blocks.
    for (let offset = 0; offset < span; offset += BIN_STRIDE * 2) {
      const slot = offset + (bins[at++]! << 1);
      hist[slot]! += g;
      hist[slot + 1]! += h;
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
