/**
 * The best split of a node from its gradient histogram, by XGBoost's exact gain formula
 * (without L1): a split is worth `GL²/(HL+λ) + GR²/(HR+λ) - G²/(H+λ)`, and is taken only
 * when that exceeds `gamma` (min_split_loss) and both sides keep `minChildWeight` of
 * hessian. Each candidate is tried twice, with the node's missing values sent left and
 * then right; the better direction becomes the split's learned default (XGBoost's sparsity
 * aware rule). Ties keep the first candidate found (lower feature, lower bin, missing
 * right), so the search is deterministic.
 */
import { BIN_STRIDE, MISSING_BIN } from './quantile-bins.js';

export interface SplitParams {
  readonly lambda: number;
  readonly gamma: number;
  readonly minChildWeight: number;
}

export interface Split {
  readonly feature: number;
  /** Bins 0..bin go left. */
  readonly bin: number;
  readonly defaultLeft: boolean;
  readonly gain: number;
  readonly leftGrad: number;
  readonly leftHess: number;
}

/** Smallest gain counted as an improvement (XGBoost's kRtEps): float noise is not a split. */
const MIN_GAIN = 1e-6;

export function findBestSplit(
  hist: Float64Array,
  valueBins: readonly number[],
  featureUsed: Uint8Array,
  totalGrad: number,
  totalHess: number,
  params: SplitParams,
): Split | undefined {
  const { lambda, gamma, minChildWeight } = params;
  const parentScore = (totalGrad * totalGrad) / (totalHess + lambda);
  let best: Split | undefined;
  let bestGain = Math.max(gamma, MIN_GAIN);
  const consider = (feature: number, bin: number, gl: number, hl: number, defaultLeft: boolean) => {
    const gr = totalGrad - gl;
    const hr = totalHess - hl;
    if (hl < minChildWeight || hr < minChildWeight) return;
    const gain = (gl * gl) / (hl + lambda) + (gr * gr) / (hr + lambda) - parentScore;
    if (gain > bestGain) {
      bestGain = gain;
      best = { feature, bin, defaultLeft, gain, leftGrad: gl, leftHess: hl };
    }
  };
  for (let f = 0; f < valueBins.length; f++) {
    if (!featureUsed[f]) continue;
    const base = f * BIN_STRIDE * 2;
    const missingGrad = hist[base + MISSING_BIN * 2]!;
    const missingHess = hist[base + MISSING_BIN * 2 + 1]!;
    const hasMissing = missingHess > 0 || missingGrad !== 0;
    let gl = 0;
    let hl = 0;
    for (let b = 0; b < valueBins[f]! - 1; b++) {
      gl += hist[base + b * 2]!;
      hl += hist[base + b * 2 + 1]!;
      consider(f, b, gl, hl, false);
      if (hasMissing) consider(f, b, gl + missingGrad, hl + missingHess, true);
    }
  }
  return best;
}
