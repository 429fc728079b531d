/**
 * Loads a model saved by XGBoost's `save_model('m.json')` (gbtree booster) into a
 * TreeEnsemble. Supported objectives: reg:squarederror, binary:logistic, multi:softprob.
 * Anything else is refused with a typed error naming it (dart boosters, linear boosters,
 * categorical splits, vector leaves, other objectives), never scored approximately.
 *
 * Where XGBoost keeps what: `learner.learner_model_param.base_score` is in prediction space
 * ("5E-1", or "[5E-1]" since 2.1) and becomes a margin by the objective's link; each tree's
 * leaves carry their value in `split_conditions`; `tree_info[t]` is tree t's class.
 */
import { ModelFormatInvalidError, ModelFormatUnsupportedError } from './format-errors.js';
import { flattenTrees, type OutputTransform, type TreeArrays, type TreeEnsemble } from './tree-ensemble.js';

const FORMAT = 'XGBoost JSON';

export interface XgboostModel {
  readonly kind: 'xgboost';
  readonly objective: string;
  readonly version: readonly number[];
  readonly featureNames: readonly string[] | undefined;
  readonly ensemble: TreeEnsemble;
}

type Json = Record<string, unknown>;

function invalid(reason: string, path: string): never {
  throw new ModelFormatInvalidError(FORMAT, `${reason} at ${path}`, { path });
}

function object(value: unknown, path: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) invalid('expected an object', path);
  return value as Json;
}

function numbers(value: unknown, path: string, length?: number): readonly number[] {
  if (!Array.isArray(value)) invalid('expected an array', path);
  const list = value.map((v: unknown) => (typeof v === 'boolean' ? Number(v) : v));
  if (!list.every((v): v is number => typeof v === 'number' && Number.isFinite(v))) invalid('expected numbers', path);
  if (length !== undefined && list.length !== length) invalid(`expected ${length} entries, found ${list.length}`, path);
  return list;
}

function numberField(value: unknown, path: string): number {
  // XGBoost writes its model parameters as strings ("5E-1", "[5E-1]", "3").
  const text = typeof value === 'string' ? value.replace(/^\[|\]$/g, '') : value;
  const parsed = typeof text === 'number' ? text : typeof text === 'string' ? Number(text) : NaN;
  if (!Number.isFinite(parsed)) invalid(`expected a number, found ${JSON.stringify(value)}`, path);
  return parsed;
}

function readTree(value: unknown, path: string, featureCount: number): TreeArrays {
  const tree = object(value, path);
  const left = numbers(tree['left_children'], `${path}.left_children`);
  const n = left.length;
  if (n === 0) invalid('a tree without nodes', path);
  const right = numbers(tree['right_children'], `${path}.right_children`, n);
  const conditions = numbers(tree['split_conditions'], `${path}.split_conditions`, n);
  const indices = numbers(tree['split_indices'], `${path}.split_indices`, n);
  const defaultLeft = numbers(tree['default_left'], `${path}.default_left`, n);
  const splitType = tree['split_type'] === undefined ? [] : numbers(tree['split_type'], `${path}.split_type`, n);
  const leafVector = Number((tree['tree_param'] as Json | undefined)?.['size_leaf_vector'] ?? 0);
  if (leafVector > 1) throw new ModelFormatUnsupportedError(FORMAT, 'vector leaves', 'train one tree per target');
  const feature = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (left[i] === -1) {
      feature[i] = -1;
      continue;
    }
    if (splitType[i] === 1) {
      throw new ModelFormatUnsupportedError(FORMAT, 'categorical splits', 'one-hot encode categorical features', {
        path: `${path}.split_type[${i}]`,
      });
    }
    for (const [child, side] of [
      [left[i]!, 'left_children'],
      [right[i]!, 'right_children'],
    ] as const) {
      if (!Number.isInteger(child) || child <= 0 || child >= n)
        invalid(`child ${child} out of range`, `${path}.${side}[${i}]`);
    }
    if (!Number.isInteger(indices[i]) || indices[i]! < 0 || indices[i]! >= featureCount) {
      invalid(`feature index ${indices[i]} outside 0..${featureCount - 1}`, `${path}.split_indices[${i}]`);
    }
    feature[i] = indices[i]!;
  }
  checkIsTree(feature, left, right, path);
  return { feature, threshold: conditions, left, right, defaultLeft, value: conditions };
}

/** A node reached twice (a cycle, a shared child) would make scoring loop or lie: refuse it. */
function checkIsTree(feature: Int32Array, left: readonly number[], right: readonly number[], path: string): void {
  const seen = new Uint8Array(feature.length);
  const stack = [0];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (seen[node]) invalid(`node ${node} is reached twice`, path);
    seen[node] = 1;
    if (feature[node]! >= 0) stack.push(left[node]!, right[node]!);
  }
}

function transformOf(objective: string, classes: number, baseScore: number): [OutputTransform, number] {
  switch (objective) {
    case 'reg:squarederror':
      return [{ kind: 'identity' }, baseScore];
    case 'binary:logistic':
      if (!(baseScore > 0 && baseScore < 1)) invalid(`base_score ${baseScore} outside (0, 1)`, 'learner_model_param');
      return [{ kind: 'sigmoid' }, Math.log(baseScore / (1 - baseScore))];
    case 'multi:softprob':
      // Softmax objectives take base_score as a margin as it is (no link function).
      return [{ kind: 'softmax', classes }, baseScore];
    default:
      throw new ModelFormatUnsupportedError(
        FORMAT,
        `the objective ${objective}`,
        'train with reg:squarederror, binary:logistic or multi:softprob',
      );
  }
}

/** Parses XGBoost's JSON model text (or its parsed object). Throws MODEL_FORMAT_INVALID / _UNSUPPORTED. */
export function loadXgboostJson(source: string | unknown): XgboostModel {
  let doc: unknown = source;
  if (typeof source === 'string') {
    try {
      doc = JSON.parse(source);
    } catch (error) {
      throw new ModelFormatInvalidError(FORMAT, `not JSON (${(error as Error).message})`, {}, { cause: error });
    }
  }
  const learner = object(object(doc, '$')['learner'], '$.learner');
  const params = object(learner['learner_model_param'], '$.learner.learner_model_param');
  const booster = object(learner['gradient_booster'], '$.learner.gradient_booster');
  const objective = String(object(learner['objective'], '$.learner.objective')['name']);
  if (booster['name'] !== 'gbtree') {
    throw new ModelFormatUnsupportedError(
      FORMAT,
      `the ${String(booster['name'])} booster`,
      'train with booster=gbtree',
    );
  }
  const model = object(booster['model'], '$.learner.gradient_booster.model');
  const featureCount = numberField(params['num_feature'], '$.learner.learner_model_param.num_feature');
  const classes = Math.max(1, numberField(params['num_class'] ?? '0', '$.learner.learner_model_param.num_class'));
  const baseScore = numberField(params['base_score'], '$.learner.learner_model_param.base_score');
  const [transform, baseMargin] = transformOf(objective, classes, baseScore);
  const treesPath = '$.learner.gradient_booster.model.trees';
  if (!Array.isArray(model['trees'])) invalid('expected an array', treesPath);
  const trees = (model['trees'] as unknown[]).map((tree, t) => readTree(tree, `${treesPath}[${t}]`, featureCount));
  const groups = numbers(model['tree_info'], '$.learner.gradient_booster.model.tree_info', trees.length);
  const groupCount = transform.kind === 'softmax' ? classes : 1;
  const badGroup = groups.findIndex((g) => !Number.isInteger(g) || g < 0 || g >= groupCount);
  if (badGroup >= 0) invalid(`class ${groups[badGroup]} outside 0..${groupCount - 1}`, `tree_info[${badGroup}]`);
  const names = learner['feature_names'];
  return {
    kind: 'xgboost',
    objective,
    version: Array.isArray((doc as Json)['version']) ? ((doc as Json)['version'] as number[]) : [],
    featureNames: Array.isArray(names) && names.length > 0 ? names.map(String) : undefined,
    ensemble: flattenTrees({ featureCount, baseMargin, transform }, trees, groups),
  };
}
