/**
 * The root of every error Strata raises on purpose.
 *
 * Each error carries a stable machine-readable `code` (shown in the message as
 * `[CODE] ...`), structured readonly `details` naming the bad values, and the
 * underlying `cause` when there is one. The API layer maps codes to HTTP statuses
 * in one place; the CLI prints the message and exits non-zero.
 */
export type ErrorDetails = Readonly<Record<string, unknown>>;

export class StrataError extends Error {
  readonly code: string;
  readonly details: ErrorDetails;

  constructor(code: string, message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(`[${code}] ${message}`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }
}

/** A caller passed something unusable (a bad option, an unknown format, ...). */
export class InvalidArgumentError extends StrataError {
  constructor(message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super('INVALID_ARGUMENT', message, details, options);
  }
}

/** Narrows an unknown thrown value to an Error, so its message can be reported. */
export function asError(thrown: unknown): Error {
  return thrown instanceof Error ? thrown : new Error(String(thrown));
}
