/**
 * Errors of the query service's limits and cancellation. Their codes keep the `API_`
 * names they had when the service lived in the HTTP API: clients see and compare them.
 */
import { moduleErrorBase, type ErrorCodeSet, type ErrorDetails } from '../../core/index.js';

export const QueryServiceErrorCode = {
  API_QUERY_TIMEOUT: 'unavailable',
  API_QUERY_CANCELLED: 'conflict',
  API_RESULT_TOO_LARGE: 'invalid',
  API_RESULT_MEMORY_LIMIT: 'unavailable',
} as const satisfies ErrorCodeSet;
export type QueryServiceErrorCode = keyof typeof QueryServiceErrorCode;

/** Base of the query service's errors: the code decides the category. */
export abstract class QueryServiceError extends moduleErrorBase(QueryServiceErrorCode) {}

/** A query ran past its time limit and was interrupted (408). */
export class QueryTimeoutError extends QueryServiceError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('API_QUERY_TIMEOUT', message, details);
  }
}

/**
 * A query was cancelled while it ran (by its owner through `DELETE /v1/sql/queries/{id}`,
 * or because its client went away): the answer to the cancelled request (409).
 */
export class QueryCancelledError extends QueryServiceError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('API_QUERY_CANCELLED', message, details);
  }
}

/** A query's result is larger than one result may be (`--max-result-mb`); 422. */
export class ResultTooLargeError extends QueryServiceError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('API_RESULT_TOO_LARGE', message, details);
  }
}

/** The results being produced for all clients together would exceed the server's budget (`--result-memory-mb`); 429, retry. */
export class ResultMemoryLimitError extends QueryServiceError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('API_RESULT_MEMORY_LIMIT', message, { ...details, retryAfterSeconds: 1 });
  }
}
