/**
 * Scoring a TreeEnsemble: one row (an array of feature values) or a batch given as columns
 * (one array per feature, the layout DuckDB and Arrow hand out). Values are rounded to
 * float32 before comparing with thresholds, as XGBoost does, and NaN is missing.
 *
 * Margins are summed in float32, tree after tree from the base margin, as XGBoost's
 * predictor does: near-zero predictions then agree with XGBoost's to float32 precision.
 * Batches walk tree by tree (the outer loop), so one tree's nodes stay in cache while
 * every row goes through it.
 */
import { ModelInputInvalidError } from './format-errors.js';
import type { TreeEnsemble } from './tree-ensemble.js';

/** The leaf `node`'s tree reaches for feature values `x` (already float32). */
function leafOf(model: TreeEnsemble, node: number, x: Float32Array, stride: number, offset: number): number {
  const { feature, threshold, left, right, defaultLeft } = model;
  let at = node;
  for (let f = feature[at]!; f >= 0; f = feature[at]!) {
    const v = x[offset + f * stride]!;
    if (v !== v) at = defaultLeft[at] ? left[at]! : right[at]!;
    else at = v < threshold[at]! ? left[at]! : right[at]!;
  }
  return at;
}

/** Turns margins (rows × groups, row-major) into predictions in place. */
function transformInPlace(model: TreeEnsemble, margins: Float64Array): Float64Array {
  const { transform, groups } = model;
  if (transform.kind === 'sigmoid') {
    for (let i = 0; i < margins.length; i++) margins[i] = 1 / (1 + Math.exp(-margins[i]!));
  } else if (transform.kind === 'softmax') {
    for (let r = 0; r < margins.length; r += groups) {
      let max = -Infinity;
      for (let k = 0; k < groups; k++) max = Math.max(max, margins[r + k]!);
      let sum = 0;
      for (let k = 0; k < groups; k++) sum += margins[r + k] = Math.exp(margins[r + k]! - max);
      for (let k = 0; k < groups; k++) margins[r + k]! /= sum;
    }
  }
  return margins;
}

/** Margins of one row (`groups` numbers), before the output transform. */
export function scoreRowMargins(model: TreeEnsemble, row: ArrayLike<number>): Float64Array {
  if (row.length !== model.featureCount) {
    throw new ModelInputInvalidError(`a row has ${row.length} values, the model expects ${model.featureCount}`, {
      got: row.length,
      expected: model.featureCount,
    });
  }
  const x = Float32Array.from(row);
  const margins = new Float32Array(model.groups).fill(model.baseMargin);
  const { treeRoot, treeGroup, value } = model;
  for (let t = 0; t < treeRoot.length; t++) margins[treeGroup[t]!]! += value[leafOf(model, treeRoot[t]!, x, 1, 0)]!;
  return Float64Array.from(margins);
}

/** Predictions of one row: one number, or one probability per class for a softmax model. */
export function predictRow(model: TreeEnsemble, row: ArrayLike<number>): Float64Array {
  return transformInPlace(model, scoreRowMargins(model, row));
}

/** Margins of a batch given as columns: `rows × groups` numbers, row-major. */
export function scoreBatchMargins(model: TreeEnsemble, columns: readonly ArrayLike<number>[]): Float64Array {
  if (columns.length !== model.featureCount) {
    throw new ModelInputInvalidError(
      `${columns.length} feature columns given, the model expects ${model.featureCount}`,
      {
        got: columns.length,
        expected: model.featureCount,
      },
    );
  }
  const rows = columns[0]?.length ?? 0;
  // One float32 block, feature-major: value of feature f in row r at f * rows + r.
  const x = new Float32Array(rows * columns.length);
  columns.forEach((column, f) => {
    if (column.length !== rows) {
      throw new ModelInputInvalidError(`column ${f} has ${column.length} rows, column 0 has ${rows}`, { column: f });
    }
    x.set(column, f * rows);
  });
  const { groups, treeRoot, treeGroup, value } = model;
  const margins = new Float32Array(rows * groups).fill(model.baseMargin);
  for (let t = 0; t < treeRoot.length; t++) {
    const root = treeRoot[t]!;
    const group = treeGroup[t]!;
    for (let r = 0; r < rows; r++) margins[r * groups + group]! += value[leafOf(model, root, x, rows, r)]!;
  }
  return Float64Array.from(margins);
}

/** Predictions of a batch given as columns: `rows × groups` numbers, row-major. */
export function predictBatch(model: TreeEnsemble, columns: readonly ArrayLike<number>[]): Float64Array {
  return transformInPlace(model, scoreBatchMargins(model, columns));
}
