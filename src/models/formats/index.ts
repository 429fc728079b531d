/**
 * Model formats: Strata's own gradient-boosted trees (trained in TypeScript) and XGBoost
 * JSON models, both scored through one flat tree ensemble.
 */
export {
  ModelFormatErrorCode,
  ModelFormatError,
  ModelFormatInvalidError,
  ModelFormatUnsupportedError,
  ModelInputInvalidError,
  ModelTrainingInvalidError,
} from './format-errors.js';
export type { OutputTransform, TreeEnsemble, TreeArrays } from './tree-ensemble.js';
export { predictBatch, predictRow, scoreBatchMargins, scoreRowMargins } from './ensemble-scorer.js';
export { loadXgboostJson, type XgboostModel } from './xgboost-json-model.js';
export { GbtObjective } from './gbt-objective.js';
export type { GbtOptions } from './gbt-options.js';
export { gbtEnsemble, parseGbtModel, serializeGbtModel, type GbtModel, type GbtTree } from './gbt-model.js';
export { trainGbt, type GbtData, type GbtTrainingInput, type GbtTrainingResult } from './gbt-trainer.js';
export { logLoss, rmse, rocAuc } from './gbt-metrics.js';
export { ModelFormat, loadScorer, type ModelScorer, type LoadScorerOptions } from './model-scorer.js';
export type { OnnxScorerOptions } from './onnx-scorer.js';
