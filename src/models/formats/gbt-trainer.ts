/**
 * Strata's gradient-boosted trees trainer (XGBoost's "hist" method, in TypeScript):
 * features are binned once by quantiles, then each round computes gradients, draws its
 * rows and features from the seed, grows one depth-wise tree on gradient histograms and
 * adds it to every row's margin. Histograms are summed by worker threads in fixed chunks
 * (histogram-workers.ts), the rest runs on the calling thread; nothing uses Math.random:
 * the same data, options and seed give the same model, bit for bit, whatever the number
 * of threads.
 *
 * With a validation set and `earlyStoppingRounds`, training stops once the validation loss
 * (RMSE, or log loss) has not improved for that many rounds, and keeps the trees up to
 * the best round.
 */
import { ModelTrainingInvalidError } from './format-errors.js';
import { baseMarginOf, checkLabels, computeGradients, evaluationLoss } from './gbt-objective.js';
import { resolveGbtOptions, type GbtOptions, type ResolvedGbtOptions } from './gbt-options.js';
import type { GbtModel, GbtTree } from './gbt-model.js';
import { binnedLeafValue, growTree, type BinnedMatrix, type BinnedTree } from './gbt-tree-builder.js';
import { binColumn, interleaveBins, quantileCuts } from './quantile-bins.js';
import { HistogramBuilder } from './histogram-workers.js';
import { seededRandom } from '../../core/index.js';

/** Feature columns (one array per feature, NaN for missing) and labels. */
export interface GbtData {
  readonly columns: readonly ArrayLike<number>[];
  readonly labels: ArrayLike<number>;
}

export interface GbtTrainingInput extends GbtData {
  readonly featureNames?: readonly string[];
  readonly validation?: GbtData;
}

export interface GbtTrainingResult {
  readonly model: GbtModel;
  /** Validation loss after each round (empty without a validation set). */
  readonly validationLoss: readonly number[];
}

function toFloat32(data: GbtData, what: string): { columns: Float32Array[]; labels: Float32Array } {
  const rows = data.labels.length;
  if (rows === 0) throw new ModelTrainingInvalidError(`the ${what} set has no rows`);
  const columns = data.columns.map((column, f) => {
    if (column.length !== rows) {
      throw new ModelTrainingInvalidError(`${what} column ${f} has ${column.length} rows, the labels ${rows}`);
    }
    return column instanceof Float32Array ? column : Float32Array.from(column);
  });
  return { columns, labels: data.labels instanceof Float32Array ? data.labels : Float32Array.from(data.labels) };
}

/** Leaf value of a raw (unbinned) row, for validation margins. */
function rawLeafValue(tree: GbtTree, columns: readonly Float32Array[], r: number): number {
  let at = 0;
  for (let f = tree.feature[0]!; f >= 0; f = tree.feature[at]!) {
    const v = columns[f]![r]!;
    at = (v !== v ? tree.defaultLeft[at] === 1 : v < tree.threshold[at]!) ? tree.left[at]! : tree.right[at]!;
  }
  return tree.value[at]!;
}

function drawRows(rows: number, options: ResolvedGbtOptions, random: () => number): Uint32Array {
  const picked = new Uint32Array(rows);
  let n = 0;
  for (let i = 0; i < rows; i++) if (options.subsample >= 1 || random() < options.subsample) picked[n++] = i;
  return picked.slice(0, Math.max(n, 1));
}

function drawFeatures(features: number, options: ResolvedGbtOptions, random: () => number): Uint8Array {
  const used = new Uint8Array(features);
  const order = Array.from({ length: features }, (_, i) => i);
  for (let i = features - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const keep = Math.max(1, Math.round(features * options.colsampleByTree));
  for (let i = 0; i < keep; i++) used[order[i]!] = 1;
  return used;
}

export function trainGbt(input: GbtTrainingInput, options: GbtOptions = {}): GbtTrainingResult {
  const opts = resolveGbtOptions(options);
  const train = toFloat32(input, 'training');
  const features = train.columns.length;
  if (features === 0) throw new ModelTrainingInvalidError('no feature columns');
  if (input.featureNames && input.featureNames.length !== features) {
    throw new ModelTrainingInvalidError(`${input.featureNames.length} feature names for ${features} columns`);
  }
  checkLabels(opts.objective, train.labels);
  const validation = input.validation && toFloat32(input.validation, 'validation');
  if (validation && validation.columns.length !== features) {
    throw new ModelTrainingInvalidError(`validation has ${validation.columns.length} columns, training ${features}`);
  }
  if (opts.earlyStoppingRounds !== undefined && !validation) {
    throw new ModelTrainingInvalidError('earlyStoppingRounds needs a validation set');
  }
  const cuts = train.columns.map((column) => quantileCuts(column, Math.min(opts.maxBins - 1, 255)));
  const columnBins = cuts.map((c, f) => binColumn(train.columns[f]!, c));
  const matrix: BinnedMatrix = {
    bins: interleaveBins(columnBins),
    columnBins,
    features,
    valueBins: cuts.map((c) => c.length + 1),
  };
  const rows = train.labels.length;
  const baseMargin = baseMarginOf(opts.objective, train.labels);
  const histograms = new HistogramBuilder(matrix.bins, features, rows, opts.threads);
  try {
    return boost(input, opts, train, matrix, cuts, histograms, baseMargin, validation);
  } finally {
    histograms.close();
  }
}

function boost(
  input: GbtTrainingInput,
  opts: ResolvedGbtOptions,
  data: { columns: Float32Array[]; labels: Float32Array },
  matrix: BinnedMatrix,
  cuts: readonly Float32Array[],
  histograms: HistogramBuilder,
  baseMargin: number,
  validation: { columns: Float32Array[]; labels: Float32Array } | undefined,
): GbtTrainingResult {
  const rows = data.labels.length;
  const features = matrix.features;
  const margins = new Float64Array(rows).fill(baseMargin);
  const validMargins = validation && new Float64Array(validation.labels.length).fill(baseMargin);
  const gradHess = histograms.gradHess;
  const random = seededRandom(opts.seed);
  const trees: GbtTree[] = [];
  const validationLoss: number[] = [];
  let best = { loss: Infinity, round: 0 };
  for (let round = 0; round < opts.rounds; round++) {
    computeGradients(opts.objective, data.labels, margins, gradHess);
    const picked = drawRows(rows, opts, random);
    histograms.rows.set(picked);
    const binned = growTree(matrix, histograms, picked.length, drawFeatures(features, opts, random), opts);
    if (picked.length === rows) {
      // Every row is in exactly one leaf's range of the (partitioned) rows: add leaf values by range, no walks.
      const order = histograms.rows;
      for (const leaf of binned.leaves) for (let i = leaf.start; i < leaf.end; i++) margins[order[i]!]! += leaf.value;
    } else {
      for (let r = 0; r < rows; r++) margins[r]! += binnedLeafValue(binned, matrix.bins, features, r);
    }
    const tree = withThresholds(binned, cuts);
    trees.push(tree);
    if (validation && validMargins) {
      for (let r = 0; r < validMargins.length; r++) validMargins[r]! += rawLeafValue(tree, validation.columns, r);
      const loss = evaluationLoss(opts.objective, validation.labels, validMargins);
      validationLoss.push(loss);
      if (loss < best.loss) best = { loss, round };
      else if (opts.earlyStoppingRounds !== undefined && round - best.round >= opts.earlyStoppingRounds) break;
    }
  }
  const kept = opts.earlyStoppingRounds === undefined ? trees.length : best.round + 1;
  const model: GbtModel = {
    format: 'strata-gbt',
    version: 1,
    objective: opts.objective,
    featureCount: features,
    ...(input.featureNames ? { featureNames: [...input.featureNames] } : {}),
    baseMargin,
    trees: trees.slice(0, kept),
    bestIteration: kept - 1,
  };
  return { model, validationLoss };
}

/** The tree with raw-value thresholds (bin b's upper cut) instead of bins: what the scorer reads. */
function withThresholds(tree: BinnedTree, cuts: readonly Float32Array[]): GbtTree {
  const threshold = tree.feature.map((f, i) => (f < 0 ? 0 : cuts[f]![tree.bin[i]!]!));
  return {
    feature: tree.feature,
    threshold,
    left: tree.left,
    right: tree.right,
    defaultLeft: tree.defaultLeft,
    value: tree.value,
  };
}
