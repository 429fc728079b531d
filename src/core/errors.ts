/**
 * The root of every error Strata raises on purpose.
 *
 * Each error carries a stable machine-readable `code` (shown in the message as
 * `[CODE] ...`), a `category` saying whose problem it is (the API turns categories into
 * HTTP statuses in one place), structured readonly `details` naming the bad values, and
 * the underlying `cause` when there is one. The CLI prints the message and exits non-zero.
 *
 * Each module declares its codes as one `as const` set mapping code → category (e.g.
 * `LakeErrorCode`), so a new code without a category does not compile.
 */
export type ErrorDetails = Readonly<Record<string, unknown>>;

/** Whose problem an error is; the API's HTTP status follows from it. */
export const ErrorCategory = {
  invalid: 'invalid',
  notFound: 'not_found',
  conflict: 'conflict',
  forbidden: 'forbidden',
  unauthenticated: 'unauthenticated',
  unavailable: 'unavailable',
  internal: 'internal',
} as const;
export type ErrorCategory = (typeof ErrorCategory)[keyof typeof ErrorCategory];

/** The shape of a module's code set: every code with its category. */
export type ErrorCodeSet = Readonly<Record<string, ErrorCategory>>;

export interface StrataErrorOptions {
  readonly cause?: unknown;
}

/**
 * Marks Strata errors. `Symbol.for` is shared by every copy of this module loaded in one
 * process (two installed versions, a bundled plugin), where `instanceof` would fail.
 */
const BRAND = Symbol.for('strata.error');

export class StrataError<C extends string = string> extends Error {
  readonly code: C;
  readonly category: ErrorCategory;
  readonly details: ErrorDetails;

  constructor(
    code: C,
    category: ErrorCategory,
    message: string,
    details: ErrorDetails = {},
    options?: StrataErrorOptions,
  ) {
    super(`[${code}] ${message}`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.category = category;
    this.details = details;
    // Not enumerable: the brand must not show up in JSON or in printed errors.
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/**
 * The base class of one module's errors, made from the module's code set: subclasses
 * pass a code of the set and the category comes from it, so a code without a category
 * does not compile. (`export abstract class LakeError extends moduleErrorBase(LakeErrorCode) {}`)
 */
export function moduleErrorBase<Codes extends ErrorCodeSet>(codes: Codes) {
  type Code = keyof Codes & string;
  abstract class ModuleError extends StrataError<Code> {
    constructor(code: Code, message: string, details: ErrorDetails = {}, options?: StrataErrorOptions) {
      super(code, codes[code]!, message, details, options);
    }
  }
  return ModuleError;
}

/**
 * Whether `value` is a StrataError (from any copy of this module), optionally with one
 * of the given codes. Use this instead of `instanceof StrataError` or comparing codes by hand.
 */
export function isStrataError<C extends string>(value: unknown, ...codes: readonly C[]): value is StrataError<C> {
  if (typeof value !== 'object' || value === null || (value as { [BRAND]?: unknown })[BRAND] !== true) return false;
  return codes.length === 0 || (codes as readonly string[]).includes((value as StrataError).code);
}

export const CoreErrorCode = {
  INVALID_ARGUMENT: 'invalid',
} as const satisfies ErrorCodeSet;
export type CoreErrorCode = keyof typeof CoreErrorCode;

/** A caller passed something unusable (a bad option, an unknown format, ...). */
export class InvalidArgumentError extends StrataError<CoreErrorCode> {
  constructor(message: string, details: ErrorDetails = {}, options?: StrataErrorOptions) {
    super('INVALID_ARGUMENT', CoreErrorCode.INVALID_ARGUMENT, message, details, options);
  }
}

/** Narrows an unknown thrown value to an Error, so its message can be reported. */
export function asError(thrown: unknown): Error {
  return thrown instanceof Error ? thrown : new Error(String(thrown));
}
