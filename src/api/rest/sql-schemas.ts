/**
 * OpenAPI pieces of the SQL routes. Every 200 the console reads is a complete schema:
 * Fastify serializes through it (dropping what it does not list) and the console's
 * types are generated from it.
 */
export const SQL_TAGS = ['sql'];

const COLUMN = {
  type: 'object',
  required: ['name', 'type'],
  properties: { name: { type: 'string' }, type: { type: 'string', description: 'DuckDB type, e.g. BIGINT' } },
} as const;

/** The JSON answer of `POST /v1/sql` to a query (other statements add `statement`, `message`, `version`). */
export const SQL_RESULT = {
  type: 'object',
  required: ['columns', 'rows', 'rowCount'],
  properties: {
    statement: { type: 'string', description: 'For statements other than queries: what ran' },
    message: { type: 'string' },
    version: { type: 'integer', description: 'The table version a write committed' },
    columns: { type: 'array', items: COLUMN },
    rows: { type: 'array', items: { type: 'object', additionalProperties: true } },
    rowCount: { type: 'integer' },
    truncated: { type: 'boolean', description: 'The row limit cut the result' },
  },
} as const;

export const FORMAT_PARAMETER = {
  type: 'string',
  enum: ['json', 'ndjson', 'csv', 'parquet'],
  description: 'The answer format; overrides Accept',
} as const;

export const HISTORY_ENTRY = {
  type: 'object',
  required: ['id', 'sql', 'startedAt', 'durationMs', 'rowCount', 'status', 'errorCode'],
  properties: {
    id: { type: 'string' },
    sql: { type: 'string', description: 'The statement, token secrets redacted' },
    startedAt: { type: 'string', format: 'date-time' },
    durationMs: { type: 'integer' },
    rowCount: { type: ['integer', 'null'] },
    status: { type: 'string', enum: ['ok', 'error', 'cancelled'] },
    errorCode: { type: ['string', 'null'] },
  },
} as const;

export const HISTORY_RESPONSE = {
  type: 'object',
  required: ['user', 'entries'],
  properties: { user: { type: 'string' }, entries: { type: 'array', items: HISTORY_ENTRY } },
} as const;

export const CANCEL_RESPONSE = {
  type: 'object',
  required: ['id', 'cancelled'],
  properties: { id: { type: 'string' }, cancelled: { type: 'boolean' } },
} as const;

const EXPLAINED_SCAN = {
  type: 'object',
  required: [
    'table',
    'alias',
    'version',
    'filesTotal',
    'filesKept',
    'filesSkipped',
    'skippedByPartition',
    'skippedByStats',
    'skippedByJoin',
    'bytesTotal',
    'bytesKept',
    'filter',
  ],
  properties: {
    table: { type: 'string' },
    alias: { type: ['string', 'null'] },
    version: { type: 'integer' },
    filesTotal: { type: 'integer' },
    filesKept: { type: 'integer' },
    filesSkipped: { type: 'integer' },
    skippedByPartition: { type: 'integer' },
    skippedByStats: { type: 'integer' },
    skippedByJoin: { type: 'integer' },
    bytesTotal: { type: 'integer' },
    bytesKept: { type: 'integer' },
    filter: { type: ['string', 'null'], description: 'The conditions pruning used' },
  },
} as const;

export const EXPLAIN_RESPONSE = {
  type: 'object',
  required: ['plan', 'scans'],
  properties: { plan: { type: 'string' }, scans: { type: 'array', items: EXPLAINED_SCAN } },
} as const;

export const CATALOG_RESPONSE = {
  type: 'object',
  required: ['tables'],
  properties: {
    tables: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'schema', 'table', 'kind', 'columns'],
        properties: {
          name: { type: 'string', description: '`schema.table`' },
          schema: { type: 'string' },
          table: { type: 'string' },
          kind: { type: 'string' },
          columns: { type: 'array', items: COLUMN },
        },
      },
    },
  },
} as const;

export const SQL_BODY = {
  type: 'object',
  required: ['sql'],
  properties: { sql: { type: 'string', minLength: 1 } },
} as const;
