/**
 * Strata's GBT model document: compact JSON (one set of parallel arrays per tree), what
 * the trainer returns, what is stored as a model artifact, and what `gbtEnsemble` turns
 * into the flat scorer. Leaves have feature -1; split nodes send `value < threshold` left
 * and missing values to the learned default side.
 */
import { ModelFormatInvalidError } from './format-errors.js';
import { GbtObjective } from './gbt-objective.js';
import { flattenTrees, type TreeEnsemble } from './tree-ensemble.js';

export interface GbtTree {
  readonly feature: readonly number[];
  readonly threshold: readonly number[];
  readonly left: readonly number[];
  readonly right: readonly number[];
  /** 1 when missing values go left. */
  readonly defaultLeft: readonly number[];
  /** Leaf values (learning rate applied); 0 on split nodes. */
  readonly value: readonly number[];
}

export interface GbtModel {
  readonly format: 'strata-gbt';
  readonly version: 1;
  readonly objective: GbtObjective;
  readonly featureCount: number;
  readonly featureNames?: readonly string[];
  /** Margin every prediction starts from. */
  readonly baseMargin: number;
  readonly trees: readonly GbtTree[];
  /** Rounds kept (early stopping cuts the trees after the best validation round). */
  readonly bestIteration: number;
}

const FORMAT = 'Strata GBT';

export function gbtEnsemble(model: GbtModel): TreeEnsemble {
  const transform =
    model.objective === GbtObjective.logistic ? { kind: 'sigmoid' as const } : { kind: 'identity' as const };
  return flattenTrees({ featureCount: model.featureCount, baseMargin: model.baseMargin, transform }, model.trees);
}

export function serializeGbtModel(model: GbtModel): string {
  return JSON.stringify(model);
}

/** Parses a serialised model, checking its shape (throws MODEL_FORMAT_INVALID naming the field). */
export function parseGbtModel(text: string): GbtModel {
  let doc: Partial<GbtModel>;
  try {
    doc = JSON.parse(text) as Partial<GbtModel>;
  } catch (error) {
    throw new ModelFormatInvalidError(FORMAT, `not JSON (${(error as Error).message})`, {}, { cause: error });
  }
  const fail = (reason: string): never => {
    throw new ModelFormatInvalidError(FORMAT, reason);
  };
  if (doc?.format !== 'strata-gbt' || doc.version !== 1) fail('format is not strata-gbt version 1');
  if (!Object.values(GbtObjective).includes(doc.objective!)) fail(`unknown objective ${String(doc.objective)}`);
  if (!Number.isInteger(doc.featureCount) || doc.featureCount! < 1) fail('featureCount is not a positive integer');
  if (typeof doc.baseMargin !== 'number') fail('baseMargin is not a number');
  if (!Array.isArray(doc.trees)) fail('trees is not an array');
  doc.trees!.forEach((tree, t) => {
    const n = tree?.feature?.length ?? 0;
    for (const key of ['feature', 'threshold', 'left', 'right', 'defaultLeft', 'value'] as const) {
      const list = tree?.[key];
      if (!Array.isArray(list) || list.length !== n || n === 0 || !list.every((v) => typeof v === 'number')) {
        fail(`trees[${t}].${key} is not an array of ${n} numbers`);
      }
    }
    tree.feature.forEach((f, i) => {
      if (
        f >= doc.featureCount! ||
        (f >= 0 && !(tree.left[i]! > i && tree.left[i]! < n && tree.right[i]! > i && tree.right[i]! < n))
      ) {
        fail(`trees[${t}] node ${i} has a feature or child out of range`);
      }
    });
  });
  return doc as GbtModel;
}
