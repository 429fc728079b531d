/**
 * OpenAPI pieces of the table and SQL routes. Filter parameters are free-form
 * (`<column>=op.value`), so the querystring schemas list the reserved parameters and
 * allow any other key.
 */
export const TABLE_TAGS = ['tables'];

export const NAME_PARAMS = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string', description: 'Table name: `table` (default schema) or `schema.table`' } },
} as const;

const READ_PARAMETERS = {
  select: {
    type: 'string',
    description:
      'Columns (`a,b`, `alias:a`) and aggregates (`region,total:amount.sum(),count()`); plain columns group aggregates',
  },
  order: { type: 'string', description: '`a.desc,b.asc.nullsfirst`' },
  limit: { type: 'string', description: 'Page size (default and cap from the server limits)' },
  offset: { type: 'string', description: 'Rows to skip' },
  after: { type: 'string', description: 'Keyset cursor from the previous page\'s `Link: rel="next"` header' },
  at_version: { type: 'string', description: 'Time travel: read the table as of this version' },
  at_timestamp: {
    type: 'string',
    description: 'Time travel: as of the last version committed at or before this time (ISO 8601 or epoch ms)',
  },
  or: { type: 'string', description: 'Filters, any of: `(a.eq.1,b.gt.2)`' },
  and: { type: 'string', description: 'Filters, all of: `(a.eq.1,or(b.lt.0,b.gt.9))`' },
} as const;

export const ROWS_QUERY = {
  type: 'object',
  additionalProperties: true,
  description:
    'Any other key is a column filter: `<column>=[not.]op.value`, op among eq, neq, gt, gte, lt, lte, like, ilike, in, is',
  properties: READ_PARAMETERS,
} as const;

export const WRITE_QUERY = {
  type: 'object',
  additionalProperties: true,
  description: 'Column filters as for GET rows (`<column>=op.value`, `or=(...)`); without any, `all=true` is required',
  properties: { or: READ_PARAMETERS.or, and: READ_PARAMETERS.and, all: { type: 'string', enum: ['true', 'false'] } },
} as const;

/** An error response as OpenAPI shows it (every route's errors have this body). */
export const ERROR = { description: 'Error: `{code, message, details}`' };

export const READ_RESPONSES = {
  200: {
    description:
      'Rows as JSON (array of objects), NDJSON, CSV or Parquet by Accept; `ETag` and `Link: rel="next"` headers',
  },
  304: { description: 'Not modified (If-None-Match matched the ETag)' },
  400: ERROR,
  404: ERROR,
  406: ERROR,
};

export const WRITE_RESPONSES = {
  400: ERROR,
  403: ERROR,
  404: ERROR,
  413: ERROR,
  415: ERROR,
};

export const WRITE_RESULT = {
  type: 'object',
  properties: {
    table: { type: 'string' },
    version: {
      type: 'integer',
      description: 'The table version the write committed (the version it read when it committed none)',
    },
    committed: {
      type: 'boolean',
      description: 'False when no row changed: no version was committed, no stream event sent',
    },
    rows: { type: 'integer', description: 'Rows inserted, updated or deleted' },
  },
} as const;

export const PATCH_BODY = {
  type: 'object',
  minProperties: 1,
  description: 'Column → new value (a JSON string, number, boolean or null)',
  additionalProperties: true,
} as const;
