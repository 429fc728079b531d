/**
 * Errors the API raises itself. Every error a request can meet (these and every other
 * module's StrataErrors) becomes an HTTP status in one place: error-mapping.ts.
 */
import { moduleErrorBase, type ErrorCodeSet, type ErrorDetails } from '../core/index.js';

/** Every code the HTTP API (errors.ts, streams/stream-errors.ts, graphql/graphql-errors.ts) raises, with its category (which decides the HTTP status). */
export const ApiErrorCode = {
  API_UNAUTHORIZED: 'unauthenticated',
  API_FORBIDDEN: 'forbidden',
  API_CSRF: 'forbidden',
  API_BAD_REQUEST: 'invalid',
  API_NOT_FOUND: 'not_found',
  API_PAYLOAD_TOO_LARGE: 'invalid',
  API_NOT_ACCEPTABLE: 'invalid',
  API_UNSUPPORTED_MEDIA_TYPE: 'invalid',
  API_RATE_LIMITED: 'unavailable',
  API_QUERY_TIMEOUT: 'unavailable',
  API_QUERY_CANCELLED: 'conflict',
  API_NOT_READY: 'unavailable',
  API_STREAM_TOPIC: 'invalid',
  API_STREAM_LAGGED: 'unavailable',
  API_STREAM_CLOSED: 'unavailable',
  API_RESULT_TOO_LARGE: 'invalid',
  API_RESULT_MEMORY_LIMIT: 'unavailable',
  GRAPHQL_BAD_INPUT: 'invalid',
} as const satisfies ErrorCodeSet;
export type ApiErrorCode = keyof typeof ApiErrorCode;

/** Base of the HTTP API's errors: the code decides the category. */
export abstract class ApiError extends moduleErrorBase(ApiErrorCode) {}

/** No token, an unknown, revoked or expired token (401). */
export class UnauthorizedError extends ApiError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('API_UNAUTHORIZED', message, details);
  }
}

/** The token is valid but its role or grants do not allow this (403). */
export class ForbiddenError extends ApiError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('API_FORBIDDEN', message, details);
  }
}

/**
 * A state-changing request authenticated by the console's session cookie without the
 * session's CSRF token, or from another origin (403).
 */
export class CsrfError extends ApiError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('API_CSRF', message, details);
  }
}

/** A malformed request: query string, filter, body, header (400). */
export class BadRequestError extends ApiError {
  constructor(message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super('API_BAD_REQUEST', message, details, options);
  }
}

/** No such route or resource (404). */
export class NotFoundError extends ApiError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('API_NOT_FOUND', message, details);
  }
}

/** The body is larger than the server accepts (413). */
export class PayloadTooLargeError extends ApiError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('API_PAYLOAD_TOO_LARGE', message, details);
  }
}

/** The Accept or Content-Type header names a format the route does not speak (406 / 415). */
export class UnsupportedMediaTypeError extends ApiError {
  constructor(
    readonly status: 406 | 415,
    message: string,
    details: ErrorDetails = {},
  ) {
    super(status === 406 ? 'API_NOT_ACCEPTABLE' : 'API_UNSUPPORTED_MEDIA_TYPE', message, details);
  }
}

/** The token sent more requests than its rate allows (429). */
export class RateLimitedError extends ApiError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    details: ErrorDetails = {},
  ) {
    super('API_RATE_LIMITED', message, { ...details, retryAfterSeconds });
  }
}

/** A query ran past its time limit and was interrupted (408). */
export class QueryTimeoutError extends ApiError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('API_QUERY_TIMEOUT', message, details);
  }
}

/**
 * A query was cancelled while it ran (by its owner through `DELETE /v1/sql/queries/{id}`,
 * or because its client went away): the answer to the cancelled request (409).
 */
export class QueryCancelledError extends ApiError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('API_QUERY_CANCELLED', message, details);
  }
}

/** The server is starting or stopping (503). */
export class NotReadyError extends ApiError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('API_NOT_READY', message, details);
  }
}

/** A query's result is larger than one result may be (`--max-result-mb`); 422. */
export class ResultTooLargeError extends ApiError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('API_RESULT_TOO_LARGE', message, details);
  }
}

/** The results being produced for all clients together would exceed the server's budget (`--result-memory-mb`); 429, retry. */
export class ResultMemoryLimitError extends ApiError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('API_RESULT_MEMORY_LIMIT', message, { ...details, retryAfterSeconds: 1 });
  }
}
