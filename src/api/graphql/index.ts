/**
 * GraphQL over the catalog: a schema generated per principal from the tables it sees
 * (queries, aggregates, DML mutations, change subscriptions, flows and runs), served as
 * an Apollo Federation 2 subgraph over HTTP (/graphql), WebSocket (graphql-ws, /graphql)
 * and SSE (graphql-sse, /graphql/stream).
 */
export { registerGraphql, type GraphqlHandle } from './graphql-routes.js';
export { GRAPHQL_DEFAULTS, GRAPHQL_KEY_PROPERTY, type GraphqlOptions } from './graphql-options.js';
export { GraphqlInputError } from './graphql-errors.js';
export { SSE_PATH } from './sse-transport.js';
export type { Authenticate } from './ws-transport.js';
