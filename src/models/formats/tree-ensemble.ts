/**
 * The one scoring representation every tree format compiles to: all trees' nodes in flat
 * typed arrays (no per-node objects), so scoring a row is a walk over a few arrays that
 * stay in cache. Strata's own GBT models and XGBoost JSON models both become this.
 *
 * Split rule (XGBoost's): a row goes left when its value, as a float32, is `< threshold`;
 * a missing value (NaN) follows `defaultLeft`. Thresholds are float32, as XGBoost's are,
 * so a value equal to a threshold goes the same way as in XGBoost.
 */

/** How summed margins become predictions. */
export type OutputTransform =
  { readonly kind: 'identity' } | { readonly kind: 'sigmoid' } | { readonly kind: 'softmax'; readonly classes: number };

/** One tree's nodes, indices local to the tree; `feature[i] < 0` marks a leaf. */
export interface TreeArrays {
  readonly feature: ArrayLike<number>;
  readonly threshold: ArrayLike<number>;
  readonly left: ArrayLike<number>;
  readonly right: ArrayLike<number>;
  readonly defaultLeft: ArrayLike<number | boolean>;
  /** Leaf values (ignored on split nodes). */
  readonly value: ArrayLike<number>;
}

export interface TreeEnsemble {
  readonly featureCount: number;
  /** Number of margins per row: 1, or the number of classes of a softmax model. */
  readonly groups: number;
  /** Added to every margin before the transform (the model's base score, in margin space). */
  readonly baseMargin: number;
  readonly transform: OutputTransform;
  /** First node of each tree, and the margin group each tree adds to. */
  readonly treeRoot: Int32Array;
  readonly treeGroup: Int32Array;
  readonly feature: Int32Array;
  readonly threshold: Float32Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly defaultLeft: Uint8Array;
  readonly value: Float64Array;
}

export interface EnsembleHeader {
  readonly featureCount: number;
  readonly baseMargin: number;
  readonly transform: OutputTransform;
}

/** Flattens trees into one ensemble; `groups[t]` is tree t's margin group (all 0 when omitted). */
export function flattenTrees(
  header: EnsembleHeader,
  trees: readonly TreeArrays[],
  groups?: readonly number[],
): TreeEnsemble {
  const total = trees.reduce((sum, tree) => sum + tree.feature.length, 0);
  const feature = new Int32Array(total);
  const threshold = new Float32Array(total);
  const left = new Int32Array(total);
  const right = new Int32Array(total);
  const defaultLeft = new Uint8Array(total);
  const value = new Float64Array(total);
  const treeRoot = new Int32Array(trees.length);
  const treeGroup = new Int32Array(trees.length);
  let offset = 0;
  trees.forEach((tree, t) => {
    treeRoot[t] = offset;
    treeGroup[t] = groups?.[t] ?? 0;
    for (let i = 0; i < tree.feature.length; i++) {
      const at = offset + i;
      const isLeaf = tree.feature[i]! < 0;
      feature[at] = isLeaf ? -1 : tree.feature[i]!;
      threshold[at] = isLeaf ? 0 : tree.threshold[i]!;
      left[at] = isLeaf ? -1 : offset + tree.left[i]!;
      right[at] = isLeaf ? -1 : offset + tree.right[i]!;
      defaultLeft[at] = tree.defaultLeft[i] ? 1 : 0;
      value[at] = isLeaf ? tree.value[i]! : 0;
    }
    offset += tree.feature.length;
  });
  const groupCount = header.transform.kind === 'softmax' ? header.transform.classes : 1;
  return { ...header, groups: groupCount, treeRoot, treeGroup, feature, threshold, left, right, defaultLeft, value };
}
