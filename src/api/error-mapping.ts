/**
 * The one place errors become HTTP responses. Every route (REST, GraphQL transport
 * errors, streams) throws StrataErrors; this maps their categories to statuses (with a
 * few per-code refinements HTTP has) and the body `{ code, message, details }`. A 5xx
 * StrataError (a corrupt log, an I/O failure) keeps its code and message: the client
 * learns it is not its mistake. Anything that is not a StrataError is a bug
 * or an outage: 500 with a generic message (the log has the stack), never internals.
 */
import { isStrataError, type ErrorCategory, type StrataError } from '../core/index.js';
import type { EngineErrorCode, QueryServiceErrorCode } from '../engine/index.js';
import type { LakeErrorCode } from '../lake/index.js';
import type { ApiErrorCode } from './errors.js';

export interface ErrorBody {
  readonly code: string;
  readonly message: string;
  readonly details: Readonly<Record<string, unknown>>;
}

export interface HttpError {
  readonly status: number;
  readonly body: ErrorBody;
  readonly headers: Readonly<Record<string, string>>;
}

/** The status of each category: exhaustive, so a new category does not compile until it has one. */
const STATUS_BY_CATEGORY: Readonly<Record<ErrorCategory, number>> = {
  invalid: 400,
  not_found: 404,
  conflict: 409,
  forbidden: 403,
  unauthenticated: 401,
  unavailable: 503,
  internal: 500,
};

/** The few codes HTTP has a more precise status for than their category's. */
const STATUS_EXCEPTIONS: Readonly<Partial<Record<string, number>>> = {
  API_NOT_ACCEPTABLE: 406,
  API_QUERY_TIMEOUT: 408,
  API_PAYLOAD_TOO_LARGE: 413,
  API_UNSUPPORTED_MEDIA_TYPE: 415,
  // A query over a resource limit: the request cannot be served as asked (422); the
  // server-wide result budget is momentary, so 429 with Retry-After.
  API_RESULT_TOO_LARGE: 422,
  API_RESULT_MEMORY_LIMIT: 429,
  ENGINE_QUERY_MEMORY_LIMIT: 422,
  ENGINE_VALUE_TOO_LARGE: 422,
  LAKE_CONSTRAINT: 422,
  LAKE_BAD_ROWS: 422,
  LAKE_APPEND_ONLY: 422,
  LAKE_MERGE_MULTIPLE_MATCH: 422,
  API_RATE_LIMITED: 429,
} satisfies Partial<Record<ApiErrorCode | EngineErrorCode | QueryServiceErrorCode | LakeErrorCode, number>>;

/** Fastify's own client errors (bad JSON, body too large, ...) have these codes and a 4xx statusCode. */
const FASTIFY_CODES: Readonly<Record<string, string>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'API_PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'API_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'API_BAD_REQUEST',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'API_BAD_REQUEST',
  FST_ERR_CTP_INVALID_JSON_BODY: 'API_BAD_REQUEST',
  FST_ERR_VALIDATION: 'API_BAD_REQUEST',
};

export function statusOf(error: StrataError): number {
  return STATUS_EXCEPTIONS[error.code] ?? STATUS_BY_CATEGORY[error.category] ?? 500;
}

export function toHttpError(error: unknown): HttpError {
  if (isStrataError(error)) {
    const headers: Record<string, string> = {};
    if (error.category === 'unauthenticated') headers['www-authenticate'] = 'Bearer realm="strata"';
    const retry = error.details.retryAfterSeconds;
    if (typeof retry === 'number') headers['retry-after'] = String(Math.max(1, Math.ceil(retry)));
    return {
      status: statusOf(error),
      body: { code: error.code, message: error.message, details: jsonSafe(error.details) },
      headers,
    };
  }
  const fastify = fastifyClientError(error);
  if (fastify !== undefined) return fastify;
  return {
    status: 500,
    body: {
      code: 'INTERNAL',
      message: 'The server failed to handle the request; its log has the details.',
      details: {},
    },
    headers: {},
  };
}

function fastifyClientError(error: unknown): HttpError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, statusCode, message, validation } = error as {
    code?: unknown;
    statusCode?: unknown;
    message?: unknown;
    validation?: unknown;
  };
  if (typeof statusCode !== 'number' || statusCode < 400 || statusCode >= 500) return undefined;
  const mapped = typeof code === 'string' ? FASTIFY_CODES[code] : undefined;
  const details = validation === undefined ? {} : { validation: jsonSafe({ v: validation }).v };
  return {
    status: statusCode,
    body: { code: mapped ?? 'API_BAD_REQUEST', message: String(message), details },
    headers: {},
  };
}

/** Details as JSON can carry them (bigints as strings, no cycles). */
function jsonSafe(details: Readonly<Record<string, unknown>>): Record<string, unknown> {
  try {
    return JSON.parse(
      JSON.stringify(details, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value)),
    ) as Record<string, unknown>;
  } catch {
    return {};
  }
}
