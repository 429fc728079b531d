import { moduleErrorBase, type ErrorCodeSet, type ErrorDetails } from '../core/index.js';

/** Every code the SQL engine raises, with its category (which decides the HTTP status). */
export const EngineErrorCode = {
  ENGINE_DELTA_SCAN_ARGUMENT: 'invalid',
  ENGINE_SQL: 'invalid',
  ENGINE_UNSUPPORTED_STATEMENT: 'invalid',
  ENGINE_SANDBOX: 'forbidden',
  ENGINE_QUERY_MEMORY_LIMIT: 'invalid',
  ENGINE_VALUE_TOO_LARGE: 'invalid',
  ENGINE_UNKNOWN_COLUMN: 'invalid',
} as const satisfies ErrorCodeSet;
export type EngineErrorCode = keyof typeof EngineErrorCode;

/** Base of the SQL engine's errors: the code decides the category. */
export abstract class EngineError extends moduleErrorBase(EngineErrorCode) {}

/** A `delta_scan(...)` call the engine cannot use: a missing path, an unknown or bad option. */
export class DeltaScanArgumentError extends EngineError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('ENGINE_DELTA_SCAN_ARGUMENT', message, details);
  }
}

/** DuckDB rejected or failed the statement (syntax, unknown column, cast, I/O ...). */
export class SqlExecutionError extends EngineError {
  constructor(message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super('ENGINE_SQL', message, details, options);
  }
}

/** A statement that cannot be used where it was given (e.g. two statements for `--out`). */
export class UnsupportedStatementError extends EngineError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('ENGINE_UNSUPPORTED_STATEMENT', message, details);
  }
}

/**
 * Sandboxed SQL (untrusted, e.g. from the HTTP API) asked for something outside the
 * lake: reading files, attaching databases, installing extensions, changing settings,
 * writing files. `refused` names what was refused.
 */
export class SandboxViolationError extends EngineError {
  constructor(message: string, details: ErrorDetails & { readonly refused: string }) {
    super('ENGINE_SANDBOX', message, details);
  }
}

/**
 * A sandboxed query needed more memory than the server gives all of them together
 * (DuckDB's `memory_limit`, with spilling to disk up to its own limit): the query asks
 * too much at once, or too many ran at the same time.
 */
export class QueryMemoryLimitError extends EngineError {
  constructor(message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super('ENGINE_QUERY_MEMORY_LIMIT', message, details, options);
  }
}

/** A sandboxed query would build one value (a string, a list) larger than the server allows. */
export class ValueTooLargeError extends EngineError {
  constructor(message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super('ENGINE_VALUE_TOO_LARGE', message, details, options);
  }
}

/** A structured table query names a column the table (or the principal's grant) does not have. */
export class UnknownColumnError extends EngineError {
  constructor(column: string) {
    super('ENGINE_UNKNOWN_COLUMN', `Unknown column "${column}".`, { column });
  }
}
