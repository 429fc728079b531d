import { describe, expect, it } from 'vitest';
import { predictRow } from './ensemble-scorer.js';
import { loadXgboostJson } from './xgboost-json-model.js';

/** One stump on feature 0 at 0.5 (missing left), leaves -1 and 1, as XGBoost 1.7 saves it. */
function model(tree: Record<string, unknown> = {}, learner: Record<string, unknown> = {}) {
  return {
    version: [1, 7, 4],
    learner: {
      feature_names: [],
      learner_model_param: { base_score: '5E-1', num_class: '0', num_feature: '2' },
      objective: { name: 'reg:squarederror' },
      gradient_booster: {
        name: 'gbtree',
        model: {
          tree_info: [0],
          trees: [
            {
              left_children: [1, -1, -1],
              right_children: [2, -1, -1],
              split_indices: [0, 0, 0],
              split_conditions: [0.5, -1, 1],
              default_left: [1, 0, 0],
              split_type: [0, 0, 0],
              tree_param: { size_leaf_vector: '0' },
              ...tree,
            },
          ],
        },
      },
      ...learner,
    },
  };
}

describe('XGBoost JSON model', () => {
  it('scores a stump: value < threshold left, missing by default_left, plus base_score', () => {
    const { ensemble } = loadXgboostJson(JSON.stringify(model()));
    expect(predictRow(ensemble, [0.4, 0])[0]).toBe(-0.5);
    expect(predictRow(ensemble, [0.5, 0])[0]).toBe(1.5);
    expect(predictRow(ensemble, [NaN, 0])[0]).toBe(-0.5);
  });

  it('reads base_score as XGBoost 2.1 writes it ("[5E-1]") and applies the logistic link', () => {
    const doc = model(
      {},
      {
        objective: { name: 'binary:logistic' },
        learner_model_param: { base_score: '[5E-1]', num_class: '0', num_feature: '2' },
      },
    );
    expect(predictRow(loadXgboostJson(doc).ensemble, [1, 0])[0]).toBeCloseTo(1 / (1 + Math.exp(-1)), 6);
  });

  it('names the reason a model does not load', () => {
    expect(() => loadXgboostJson('{')).toThrow(/MODEL_FORMAT_INVALID.*not JSON/);
    expect(() => loadXgboostJson(model({ right_children: [2, -1] }))).toThrow(/expected 3 entries.*right_children/);
    expect(() => loadXgboostJson(model({ split_indices: [5, 0, 0] }))).toThrow(/feature index 5/);
    expect(() => loadXgboostJson(model({ left_children: [1, 0, -1] }))).toThrow(/MODEL_FORMAT_INVALID/);
    expect(() => loadXgboostJson(model({ split_type: [1, 0, 0] }))).toThrow(/MODEL_FORMAT_UNSUPPORTED.*categorical/);
    expect(() => loadXgboostJson(model({}, { objective: { name: 'rank:pairwise' } }))).toThrow(/rank:pairwise/);
    const dart = model();
    dart.learner.gradient_booster.name = 'dart';
    expect(() => loadXgboostJson(dart)).toThrow(/dart booster/);
  });

  it('refuses a row of the wrong width', () => {
    expect(() => predictRow(loadXgboostJson(model()).ensemble, [1])).toThrow(/MODEL_INPUT_INVALID.*expects 2/);
  });
});
