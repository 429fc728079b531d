/**
 * Errors the API raises itself. Every error a request can meet (these and every other
 * module's StrataErrors) becomes an HTTP status in one place: error-mapping.ts.
 */
import { moduleErrorBase, type ErrorCodeSet, type ErrorDetails } from '../core/index.js';

/** Every code the HTTP API (errors.ts, streams/stream-errors.ts, graphql/graphql-errors.ts) raises, with its category (which decides the HTTP status). */
export const ApiErrorCode = {
  API_UNAUTHORIZED: 'unauthenticated',
  API_CSRF: 'forbidden',
  API_BAD_REQUEST: 'invalid',
  API_NOT_FOUND: 'not_found',
  API_PAYLOAD_TOO_LARGE: 'invalid',
  API_NOT_ACCEPTABLE: 'invalid',
  API_UNSUPPORTED_MEDIA_TYPE: 'invalid',
  API_RATE_LIMITED: 'unavailable',
  API_NOT_READY: 'unavailable',
  API_STREAM_TOPIC: 'invalid',
  API_STREAM_LAGGED: 'unavailable',
  API_STREAM_CLOSED: 'unavailable',
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

/** The server is starting or stopping (503). */
export class NotReadyError extends ApiError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('API_NOT_READY', message, details);
  }
}
