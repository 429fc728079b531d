/**
 * The feature store's errors (definitions, plan/apply, training sets). Definition problems
 * name the object and the field; training-set problems name the input row or the source
 * version. The online store's codes live in online/online-errors.ts.
 */
import { moduleErrorBase, type ErrorCodeSet, type ErrorDetails } from '../core/index.js';

export const FeatureErrorCode = {
  FEATURE_DEFINITION: 'invalid',
  FEATURE_LOAD: 'invalid',
  FEATURE_INCOMPATIBLE_CHANGE: 'conflict',
  FEATURE_NOT_FOUND: 'not_found',
  FEATURE_ENTITY_ROWS: 'invalid',
  FEATURE_SOURCE_VERSION_GONE: 'not_found',
  FEATURE_TRAINING_SET: 'invalid',
  FEATURE_SERVING_REQUEST: 'invalid',
  FEATURE_ON_DEMAND_FAILED: 'invalid',
  FEATURE_PUSH: 'invalid',
} as const satisfies ErrorCodeSet;
export type FeatureErrorCode = keyof typeof FeatureErrorCode;

export abstract class FeatureError extends moduleErrorBase(FeatureErrorCode) {}

/** A definition is unusable: a missing column, a type mismatch, an unknown reference, a cycle. */
export class FeatureDefinitionError extends FeatureError {
  constructor(
    readonly object: string,
    problem: string,
    details: ErrorDetails = {},
    options?: { cause?: unknown },
  ) {
    super('FEATURE_DEFINITION', `${object}: ${problem}`, { object, ...details }, options);
  }
}

/** A features/ file could not be imported or exports no definition. */
export class FeatureLoadError extends FeatureError {
  constructor(
    readonly file: string,
    problem: string,
    options?: { cause?: unknown },
  ) {
    super('FEATURE_LOAD', `${file}: ${problem}`, { file }, options);
  }
}

/** apply would change an object in a way that breaks what was built on it (types, join keys). */
export class IncompatibleChangeError extends FeatureError {
  constructor(readonly changes: readonly { readonly object: string; readonly reason: string }[]) {
    super(
      'FEATURE_INCOMPATIBLE_CHANGE',
      `Refusing incompatible changes: ${changes.map((c) => `${c.object}: ${c.reason}`).join('; ')}. Define the changed object under a new name (or remove it, apply, then add it back).`,
      { changes: changes.map((c) => ({ ...c })) },
    );
  }
}

export class FeatureNotFoundError extends FeatureError {
  constructor(
    readonly what: string,
    known: readonly string[],
  ) {
    super(
      'FEATURE_NOT_FOUND',
      `No ${what} in the applied definitions${known.length > 0 ? ` (known: ${known.slice(0, 20).join(', ')})` : ' (nothing is applied yet: run `strata features apply`)'}.`,
      { what, known: known.slice(0, 20) },
    );
  }
}

/** An entity row is unusable: no timestamp, a key of the wrong type, a missing column. */
export class EntityRowsError extends FeatureError {
  constructor(problem: string, details: ErrorDetails = {}) {
    super('FEATURE_ENTITY_ROWS', problem, details);
  }
}

/** A pinned source version can no longer be read (its log or files were cleaned up by VACUUM). */
export class SourceVersionGoneError extends FeatureError {
  constructor(
    readonly table: string,
    readonly version: number,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(
      'FEATURE_SOURCE_VERSION_GONE',
      `Source ${table} can no longer be read at version ${version} (${reason}); the training set cannot be rebuilt exactly. Build a new one from the current versions.`,
      { table, version },
      options,
    );
  }
}

/** A training-set request or output is unusable (bad options, not a training set). */
export class TrainingSetError extends FeatureError {
  constructor(problem: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super('FEATURE_TRAINING_SET', problem, details, options);
  }
}

/** An online request is unusable: an entity row with a missing key or one of the wrong type, bad request data. */
export class ServingRequestError extends FeatureError {
  constructor(problem: string, details: ErrorDetails = {}) {
    super('FEATURE_SERVING_REQUEST', problem, details);
  }
}

/** An on-demand feature's function threw (or returned no object) for one row's inputs. */
export class OnDemandFailedError extends FeatureError {
  constructor(
    readonly feature: string,
    readonly row: number,
    options?: { cause?: unknown },
  ) {
    const reason =
      options?.cause instanceof Error ? options.cause.message : String(options?.cause ?? 'no object returned');
    super(
      'FEATURE_ON_DEMAND_FAILED',
      `On-demand feature ${feature} failed on row ${row}: ${reason}. Fix its compute function or the row's inputs.`,
      { feature, row },
      options,
    );
  }
}

/** A push is unusable: an unknown view, a row without its event time, a destination the view cannot take. */
export class PushError extends FeatureError {
  constructor(problem: string, details: ErrorDetails = {}) {
    super('FEATURE_PUSH', problem, details);
  }
}
