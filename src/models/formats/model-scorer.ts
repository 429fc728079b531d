/**
 * One scorer interface over every model format: serving, batch scoring and gates load a
 * model's bytes by format and score columns without knowing which format it is.
 * Strata's GBT and XGBoost JSON score through the flat tree ensemble (synchronously,
 * wrapped); ONNX through onnxruntime-node on CPU, loaded only when an ONNX model is.
 * A model that does not load is a ModelFormatInvalidError naming the format and reason.
 */
import { ModelInputInvalidError } from './format-errors.js';
import { predictBatch } from './ensemble-scorer.js';
import { gbtEnsemble, parseGbtModel } from './gbt-model.js';
import { loadXgboostJson } from './xgboost-json-model.js';
import { loadOnnxScorer, type OnnxScorerOptions } from './onnx-scorer.js';
import type { TreeEnsemble } from './tree-ensemble.js';

export const ModelFormat = {
  strataGbt: 'strata-gbt',
  xgboostJson: 'xgboost-json',
  onnx: 'onnx',
} as const;
export type ModelFormat = (typeof ModelFormat)[keyof typeof ModelFormat];

export interface ModelScorer {
  readonly format: ModelFormat;
  /** Features per row the model takes (undefined when the model does not say). */
  readonly featureCount: number | undefined;
  /** Numbers per row of `predict`'s answer. */
  readonly outputsPerRow: number;
  /** Predictions of rows given as columns (one array per feature): rows × outputsPerRow numbers, row-major. */
  predict(columns: readonly ArrayLike<number>[]): Promise<Float64Array>;
  /** Frees native resources (ONNX sessions); scoring after close is refused. */
  close(): Promise<void>;
}

export interface LoadScorerOptions {
  /** ONNX only: which output to answer (default the first). */
  readonly onnx?: OnnxScorerOptions;
}

/** Loads a model's bytes (or text) as a scorer of its format. */
export async function loadScorer(
  format: ModelFormat,
  model: Uint8Array | string,
  options: LoadScorerOptions = {},
): Promise<ModelScorer> {
  switch (format) {
    case 'strata-gbt':
      return ensembleScorer(format, gbtEnsemble(parseGbtModel(asText(model))));
    case 'xgboost-json':
      return ensembleScorer(format, loadXgboostJson(asText(model)).ensemble);
    case 'onnx':
      return loadOnnxScorer(typeof model === 'string' ? Buffer.from(model, 'binary') : model, options.onnx);
    default:
      throw new ModelInputInvalidError(`unknown model format ${JSON.stringify(format)}`, {
        format: String(format),
        formats: Object.values(ModelFormat),
      });
  }
}

function asText(model: Uint8Array | string): string {
  return typeof model === 'string' ? model : Buffer.from(model.buffer, model.byteOffset, model.byteLength).toString();
}

function ensembleScorer(format: ModelFormat, ensemble: TreeEnsemble): ModelScorer {
  return {
    format,
    featureCount: ensemble.featureCount,
    outputsPerRow: ensemble.groups,
    predict: async (columns) => predictBatch(ensemble, columns),
    close: async () => {},
  };
}
