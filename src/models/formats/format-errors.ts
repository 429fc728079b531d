/**
 * Errors of the model formats (Strata's gradient-boosted trees, XGBoost JSON). A model that
 * does not load names the reason (and the path inside the document, when there is one), so
 * the registry can refuse a version without moving its alias.
 */
import { moduleErrorBase, type ErrorCodeSet, type ErrorDetails } from '../../core/index.js';

/** Every code the model formats raise, with its category (which decides the HTTP status). */
export const ModelFormatErrorCode = {
  MODEL_FORMAT_INVALID: 'invalid',
  MODEL_FORMAT_UNSUPPORTED: 'invalid',
  MODEL_INPUT_INVALID: 'invalid',
  MODEL_TRAINING_INVALID: 'invalid',
} as const satisfies ErrorCodeSet;
export type ModelFormatErrorCode = keyof typeof ModelFormatErrorCode;

/** Base of the model formats' errors: the code decides the category. */
export abstract class ModelFormatError extends moduleErrorBase(ModelFormatErrorCode) {}

/** A model document is malformed: not JSON, a field missing or of the wrong type, arrays of unequal length. */
export class ModelFormatInvalidError extends ModelFormatError {
  constructor(
    readonly format: string,
    readonly reason: string,
    details: ErrorDetails = {},
    options?: { cause?: unknown },
  ) {
    super(
      'MODEL_FORMAT_INVALID',
      `The ${format} model does not load: ${reason}`,
      { format, reason, ...details },
      options,
    );
  }
}

/** A well-formed model uses something this scorer does not implement (a booster, an objective, categorical splits). */
export class ModelFormatUnsupportedError extends ModelFormatError {
  constructor(
    readonly format: string,
    readonly feature: string,
    remedy: string,
    details: ErrorDetails = {},
  ) {
    super('MODEL_FORMAT_UNSUPPORTED', `The ${format} model uses ${feature}, which Strata cannot score: ${remedy}`, {
      format,
      feature,
      ...details,
    });
  }
}

/** Rows given to a scorer do not fit the model (wrong number of features, columns of unequal length). */
export class ModelInputInvalidError extends ModelFormatError {
  constructor(reason: string, details: ErrorDetails = {}) {
    super('MODEL_INPUT_INVALID', `Rows do not fit the model: ${reason}`, details);
  }
}

/** Training data or options are unusable (no rows, labels outside {0,1} for logistic, a bad parameter). */
export class ModelTrainingInvalidError extends ModelFormatError {
  constructor(reason: string, details: ErrorDetails = {}) {
    super('MODEL_TRAINING_INVALID', `Cannot train: ${reason}`, details);
  }
}
