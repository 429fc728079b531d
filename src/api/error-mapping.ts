/**
 * The one place errors become HTTP responses. Every route (REST, GraphQL transport
 * errors, streams) throws StrataErrors; this maps their stable codes to statuses and
 * the body `{ code, message, details }`. Anything that is not a StrataError is a bug
 * or an outage: 500 with a generic message (the log has the stack), never internals.
 */
import { StrataError } from '../core/index.js';

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

const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  API_UNAUTHORIZED: 401,
  API_FORBIDDEN: 403,
  ENGINE_SANDBOX: 403,
  API_BAD_REQUEST: 400,
  API_NOT_FOUND: 404,
  API_PAYLOAD_TOO_LARGE: 413,
  API_NOT_ACCEPTABLE: 406,
  API_UNSUPPORTED_MEDIA_TYPE: 415,
  API_RATE_LIMITED: 429,
  API_QUERY_TIMEOUT: 408,
  // A query over a resource limit: the request cannot be served as asked (422); the
  // server-wide result budget is momentary, so 429 with Retry-After.
  API_RESULT_TOO_LARGE: 422,
  API_RESULT_MEMORY_LIMIT: 429,
  ENGINE_QUERY_MEMORY_LIMIT: 422,
  ENGINE_VALUE_TOO_LARGE: 422,
  API_NOT_READY: 503,
  API_STREAM_CLOSED: 503,
  INVALID_ARGUMENT: 400,
  ENGINE_SQL: 400,
  ENGINE_DELTA_SCAN_ARGUMENT: 400,
  ENGINE_UNSUPPORTED_STATEMENT: 400,
  CATALOG_INVALID_NAME: 400,
  CATALOG_INVALID_LOCATION: 400,
  CATALOG_TABLE_NOT_FOUND: 404,
  CATALOG_SCHEMA_NOT_FOUND: 404,
  CATALOG_TABLE_EXISTS: 409,
  CATALOG_SCHEMA_EXISTS: 409,
  CATALOG_SCHEMA_NOT_EMPTY: 409,
  CATALOG_LOCATION_IN_USE: 409,
  LAKE_CONFLICT: 409,
  LAKE_TABLE_EXISTS: 409,
  LAKE_VERSION_NOT_FOUND: 404,
  LAKE_SCHEMA_MISMATCH: 400,
  LAKE_INVALID_OPERATION: 400,
  LAKE_CONSTRAINT: 422,
  LAKE_APPEND_ONLY: 422,
  LAKE_MERGE_MULTIPLE_MATCH: 422,
  LAKE_CHANGE_DATA_FEED: 400,
  LAKE_VACUUM_RETENTION: 400,
  FLOW_NOT_FOUND: 404,
  FLOW_RUN_NOT_FOUND: 404,
  FLOW_TASK_NOT_FOUND: 404,
  FLOW_PARAMS: 400,
  FLOW_DEFINITION: 400,
  META_CLOSED: 503,
  META_CONNECTION: 503,
};

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
  if (error.code === 'API_NOT_ACCEPTABLE') return 406;
  return STATUS_BY_CODE[error.code] ?? (error.code.endsWith('_NOT_FOUND') ? 404 : 400);
}

export function toHttpError(error: unknown): HttpError {
  if (error instanceof StrataError) {
    const headers: Record<string, string> = {};
    if (error.code === 'API_UNAUTHORIZED') headers['www-authenticate'] = 'Bearer realm="strata"';
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
