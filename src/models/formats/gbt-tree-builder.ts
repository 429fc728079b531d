/**
 * Grows one tree depth-wise over binned rows. A node is a range of the `rows` index array
 * (partitioned in place as nodes split, as LightGBM does), so no per-row objects exist.
 * Per level, only the smaller child's histogram is summed from rows, the larger child's is
 * parent minus smaller, and the last level, whose nodes can only be leaves, sums none.
 */
import { subtractHistogram } from './gradient-histogram.js';
import type { HistogramBuilder } from './histogram-workers.js';
import { MISSING_BIN } from './quantile-bins.js';
import { findBestSplit, type SplitParams } from './split-finder.js';

export interface BinnedMatrix {
  /** Row-major bins (`bins[row * features + f]`), for histograms. */
  readonly bins: Uint8Array;
  /** The same bins per feature, for partitioning a node by one feature (1 byte per row read). */
  readonly columnBins: readonly Uint8Array[];
  readonly features: number;
  /** Value bins per feature (missing bin not counted). */
  readonly valueBins: readonly number[];
}

export interface TreeParams extends SplitParams {
  readonly maxDepth: number;
  readonly learningRate: number;
}

/** A tree as the trainer grows it: splits by bin (`bin[i]`: bins 0..bin go left), leaves with values. */
export interface BinnedTree {
  readonly feature: number[];
  readonly bin: number[];
  readonly left: number[];
  readonly right: number[];
  readonly defaultLeft: number[];
  readonly value: number[];
  /** Each leaf's range of the (partitioned) `rows` array: the rows it holds. */
  readonly leaves: { readonly start: number; readonly end: number; readonly value: number }[];
}

interface OpenNode {
  readonly node: number;
  readonly start: number;
  readonly end: number;
  readonly grad: number;
  readonly hess: number;
  readonly hist: Float64Array | undefined;
}

/**
 * `rows` is `histograms.rows` (or a prefix of it) and `gradHess` is `histograms.gradHess`:
 * the histograms are summed from those shared arrays.
 */
export function growTree(
  matrix: BinnedMatrix,
  histograms: HistogramBuilder,
  rowCount: number,
  featureUsed: Uint8Array,
  params: TreeParams,
): BinnedTree {
  const { valueBins } = matrix;
  const rows = histograms.rows.subarray(0, rowCount);
  const gradHess = histograms.gradHess;
  const scratch = new Uint32Array(rows.length);
  const tree: BinnedTree = { feature: [], bin: [], left: [], right: [], defaultLeft: [], value: [], leaves: [] };
  const addNode = () => {
    tree.feature.push(-1);
    tree.bin.push(0);
    tree.left.push(-1);
    tree.right.push(-1);
    tree.defaultLeft.push(0);
    tree.value.push(0);
    return tree.feature.length - 1;
  };
  let g = 0;
  let h = 0;
  for (let i = 0; i < rows.length; i++) {
    g += gradHess[2 * rows[i]!]!;
    h += gradHess[2 * rows[i]! + 1]!;
  }
  const rootHist = params.maxDepth > 0 ? histograms.build(0, rows.length) : undefined;
  let level: OpenNode[] = [{ node: addNode(), start: 0, end: rows.length, grad: g, hess: h, hist: rootHist }];
  for (let depth = 0; level.length > 0; depth++) {
    const next: OpenNode[] = [];
    for (const open of level) {
      const split = open.hist && findBestSplit(open.hist, valueBins, featureUsed, open.grad, open.hess, params);
      if (!split) {
        const value = (-open.grad / (open.hess + params.lambda)) * params.learningRate;
        tree.value[open.node] = value;
        tree.leaves.push({ start: open.start, end: open.end, value });
        continue;
      }
      const { feature, bin, defaultLeft } = split;
      const i = partition(matrix.columnBins[feature]!, rows, scratch, open.start, open.end, bin, defaultLeft);
      const left = addNode();
      const right = addNode();
      tree.feature[open.node] = feature;
      tree.bin[open.node] = bin;
      tree.left[open.node] = left;
      tree.right[open.node] = right;
      tree.defaultLeft[open.node] = defaultLeft ? 1 : 0;
      let leftHist: Float64Array | undefined;
      let rightHist: Float64Array | undefined;
      if (depth + 1 < params.maxDepth) {
        const leftSmaller = i - open.start <= open.end - i;
        const small = leftSmaller ? histograms.build(open.start, i) : histograms.build(i, open.end);
        const large = subtractHistogram(open.hist!, small);
        [leftHist, rightHist] = leftSmaller ? [small, large] : [large, small];
      }
      next.push(
        { node: left, start: open.start, end: i, grad: split.leftGrad, hess: split.leftHess, hist: leftHist },
        {
          node: right,
          start: i,
          end: open.end,
          grad: open.grad - split.leftGrad,
          hess: open.hess - split.leftHess,
          hist: rightHist,
        },
      );
    }
    level = next;
  }
  return tree;
}

/**
 * Moves the rows going left to the front of `rows[start..end)`, keeping both sides in row
 * order (a stable partition through `scratch`): children then read bins and gradients in
 * ascending row order, which the memory system prefetches. Returns where the right side starts.
 */
function partition(
  featureBins: Uint8Array,
  rows: Uint32Array,
  scratch: Uint32Array,
  start: number,
  end: number,
  bin: number,
  defaultLeft: boolean,
): number {
  // Branch-free: a lookup of each bin's side, and every row written to both outputs with
  // only the chosen side's cursor moving (sides are coin flips to a branch predictor).
  const goesLeft = new Uint8Array(MISSING_BIN + 1);
  goesLeft.fill(1, 0, bin + 1);
  goesLeft[MISSING_BIN] = defaultLeft ? 1 : 0;
  let l = start;
  let r = 0;
  for (let i = start; i < end; i++) {
    const row = rows[i]!;
    const left = goesLeft[featureBins[row]!]!;
    rows[l] = row;
    scratch[r] = row;
    l += left;
    r += 1 - left;
  }
  rows.set(scratch.subarray(0, r), l);
  return l;
}

/** The leaf value binned row `r` reaches. */
export function binnedLeafValue(tree: BinnedTree, bins: Uint8Array, features: number, r: number): number {
  let at = 0;
  for (let f = tree.feature[0]!; f >= 0; f = tree.feature[at]!) {
    const b = bins[r * features + f]!;
    at = (b === MISSING_BIN ? tree.defaultLeft[at] === 1 : b <= tree.bin[at]!) ? tree.left[at]! : tree.right[at]!;
  }
  return tree.value[at]!;
}
