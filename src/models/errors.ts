/**
 * The model module's errors (tracking and registry). Each code also names the MLflow
 * error code it answers as, so the MLflow-compatible routes (api/mlflow) send what
 * MLflow clients expect while Strata's own surfaces keep Strata codes and categories.
 */
import { moduleErrorBase, type ErrorCodeSet, type ErrorDetails } from '../core/index.js';

export const ModelErrorCode = {
  MODEL_INVALID_PARAMETER: 'invalid',
  MODEL_NOT_FOUND: 'not_found',
  MODEL_ALREADY_EXISTS: 'conflict',
  MODEL_TRACKING_UNAVAILABLE: 'unavailable',
  MODEL_GATE_REFUSED: 'conflict',
  MODEL_FEATURE_INVALID: 'invalid',
  MODEL_LOAD_FAILED: 'unavailable',
} as const satisfies ErrorCodeSet;
export type ModelErrorCode = keyof typeof ModelErrorCode;

/** MLflow's error codes (databricks_pb2.ErrorCode names) for each of ours. */
export const MLFLOW_ERROR_CODE: Readonly<Record<ModelErrorCode, string>> = {
  MODEL_INVALID_PARAMETER: 'INVALID_PARAMETER_VALUE',
  MODEL_NOT_FOUND: 'RESOURCE_DOES_NOT_EXIST',
  MODEL_ALREADY_EXISTS: 'RESOURCE_ALREADY_EXISTS',
  MODEL_TRACKING_UNAVAILABLE: 'TEMPORARILY_UNAVAILABLE',
  // MLflow has no code for a refused promotion: its clients show the message of an invalid request.
  MODEL_GATE_REFUSED: 'INVALID_PARAMETER_VALUE',
  MODEL_FEATURE_INVALID: 'INVALID_PARAMETER_VALUE',
  MODEL_LOAD_FAILED: 'TEMPORARILY_UNAVAILABLE',
};

export abstract class ModelError extends moduleErrorBase(ModelErrorCode) {
  /** The message without the `[CODE] ` prefix, as MLflow's `message` field carries it. */
  get plainMessage(): string {
    return this.message.replace(/^\[[A-Z_]+\] /, '');
  }
}

/** A bad argument: a malformed filter, a param written twice with another value, a limit exceeded. */
export class ModelInvalidParameterError extends ModelError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('MODEL_INVALID_PARAMETER', message, details);
  }
}

/** An experiment, run, registered model, version or alias that does not exist. */
export class ModelNotFoundError extends ModelError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('MODEL_NOT_FOUND', message, details);
  }
}

/** An experiment or registered model name already taken. */
export class ModelAlreadyExistsError extends ModelError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('MODEL_ALREADY_EXISTS', message, details);
  }
}

/** A tracking server (MLflow REST) could not be reached or refused a call a command task needed. */
export class ModelTrackingUnavailableError extends ModelError {
  constructor(message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super('MODEL_TRACKING_UNAVAILABLE', message, details, options);
  }
}

/** The champion alias refused to a version without a passing gate decision (the alias stays where it was). */
export class ModelGateRefusedError extends ModelError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('MODEL_GATE_REFUSED', message, details);
  }
}

/** A predict request's feature missing or of the wrong type (named in `details.feature`). */
export class ModelFeatureInvalidError extends ModelError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('MODEL_FEATURE_INVALID', message, details);
  }
}

/** A model version whose file does not load (named with the reason; nothing was moved or served). */
export class ModelLoadError extends ModelError {
  constructor(message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super('MODEL_LOAD_FAILED', message, details, options);
  }
}
