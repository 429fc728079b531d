/**
 * Errors the API raises itself. Every error a request can meet (these and every other
 * module's StrataErrors) becomes an HTTP status in one place: error-mapping.ts.
 */
import { StrataError, type ErrorDetails } from '../core/index.js';

/** No token, an unknown, revoked or expired token (401). */
export class UnauthorizedError extends StrataError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('API_UNAUTHORIZED', message, details);
  }
}

/** The token is valid but its role or grants do not allow this (403). */
export class ForbiddenError extends StrataError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('API_FORBIDDEN', message, details);
  }
}

/** A malformed request: query string, filter, body, header (400). */
export class BadRequestError extends StrataError {
  constructor(message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super('API_BAD_REQUEST', message, details, options);
  }
}

/** No such route or resource (404). */
export class NotFoundError extends StrataError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('API_NOT_FOUND', message, details);
  }
}

/** The body is larger than the server accepts (413). */
export class PayloadTooLargeError extends StrataError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('API_PAYLOAD_TOO_LARGE', message, details);
  }
}

/** The Accept or Content-Type header names a format the route does not speak (406 / 415). */
export class UnsupportedMediaTypeError extends StrataError {
  constructor(
    readonly status: 406 | 415,
    message: string,
    details: ErrorDetails = {},
  ) {
    super(status === 406 ? 'API_NOT_ACCEPTABLE' : 'API_UNSUPPORTED_MEDIA_TYPE', message, details);
  }
}

/** The token sent more requests than its rate allows (429). */
export class RateLimitedError extends StrataError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    details: ErrorDetails = {},
  ) {
    super('API_RATE_LIMITED', message, { ...details, retryAfterSeconds });
  }
}

/** A query ran past its time limit and was interrupted (408). */
export class QueryTimeoutError extends StrataError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('API_QUERY_TIMEOUT', message, details);
  }
}

/** The server is starting or stopping (503). */
export class NotReadyError extends StrataError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('API_NOT_READY', message, details);
  }
}

/** A query's result is larger than one result may be (`--max-result-mb`); 422. */
export class ResultTooLargeError extends StrataError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('API_RESULT_TOO_LARGE', message, details);
  }
}

/** The results being produced for all clients together would exceed the server's budget (`--result-memory-mb`); 429, retry. */
export class ResultMemoryLimitError extends StrataError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('API_RESULT_MEMORY_LIMIT', message, { ...details, retryAfterSeconds: 1 });
  }
}
