import { StrataError, type ErrorDetails } from '../core/index.js';

/** A `delta_scan(...)` call the engine cannot use: a missing path, an unknown or bad option. */
export class DeltaScanArgumentError extends StrataError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('ENGINE_DELTA_SCAN_ARGUMENT', message, details);
  }
}

/** DuckDB rejected or failed the statement (syntax, unknown column, cast, I/O ...). */
export class SqlExecutionError extends StrataError {
  constructor(message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super('ENGINE_SQL', message, details, options);
  }
}

/** A statement that cannot be used where it was given (e.g. two statements for `--out`). */
export class UnsupportedStatementError extends StrataError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('ENGINE_UNSUPPORTED_STATEMENT', message, details);
  }
}

/**
 * Sandboxed SQL (untrusted, e.g. from the HTTP API) asked for something outside the
 * lake: reading files, attaching databases, installing extensions, changing settings,
 * writing files. `refused` names what was refused.
 */
export class SandboxViolationError extends StrataError {
  constructor(message: string, details: ErrorDetails & { readonly refused: string }) {
    super('ENGINE_SANDBOX', message, details);
  }
}

/**
 * A sandboxed query needed more memory than the server gives all of them together
 * (DuckDB's `memory_limit`, with spilling to disk up to its own limit): the query asks
 * too much at once, or too many ran at the same time.
 */
export class QueryMemoryLimitError extends StrataError {
  constructor(message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super('ENGINE_QUERY_MEMORY_LIMIT', message, details, options);
  }
}

/** A sandboxed query would build one value (a string, a list) larger than the server allows. */
export class ValueTooLargeError extends StrataError {
  constructor(message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super('ENGINE_VALUE_TOO_LARGE', message, details, options);
  }
}
