/**
 * The HTTP API: REST (tables, rows, SQL, flows; OpenAPI at /openapi.json), GraphQL
 * (generated from the catalog; federation subgraph; subscriptions over WebSocket and
 * SSE), Server-Sent Event streams, token auth with per-role table grants, exact
 * caching by table versions, and the SQL sandbox every user query runs in.
 */
export { ApiServer } from './api-server.js';
export { DEFAULT_PORT, DEFAULT_LIMITS, type ApiServerOptions, type TlsOptions } from './api-server-options.js';
export type { ApiContext, ApiLimits, TableAccess, TableAccessControl } from './api-context.js';
export { ApiRole, API_ROLES, LOCAL_ADMIN, hasRole, type Principal, type TableGrant } from '../catalog/index.js';
export { createToken, revokeToken, listTokens, type CreatedToken, type TokenInfo } from './auth/token-store.js';
export { AUTH_MIGRATIONS } from './auth/migrations/auth-migrations.js';
export { SQL_MIGRATIONS } from './sql/migrations/sql-migrations.js';
export type { SqlHistoryTables } from './sql/query-history-tables.js';
export type { AuthTables, ApiTokensTable } from './auth/auth-tables.js';
export { setGrant, removeGrant, listGrants, type GrantRequest, type GrantableRole } from './auth/grant-store.js';
export { toHttpError, statusOf, type ErrorBody, type HttpError } from './error-mapping.js';
export type { GraphqlOptions } from './graphql/graphql-options.js';
export type { StreamEvent } from './streams/stream-events.js';
export {
  ApiErrorCode,
  ApiError,
  UnauthorizedError,
  BadRequestError,
  NotFoundError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  RateLimitedError,
  NotReadyError,
} from './errors.js';
