/**
 * Response schemas of the table explorer routes (catalog tree, table detail, history,
 * files, diff, skipping). Complete on purpose: Fastify serializes through them and drops
 * what they do not list, and the console's types are generated from them.
 */
const nullableString = { type: ['string', 'null'] } as const;
const openObject = { type: 'object', additionalProperties: true } as const;

export const LISTED_TABLE = {
  type: 'object',
  required: ['name', 'schema', 'table', 'kind', 'owner', 'createdAt'],
  properties: {
    name: { type: 'string', description: '`schema.table`, quoted where needed' },
    schema: { type: 'string' },
    table: { type: 'string' },
    kind: { type: 'string', enum: ['managed', 'external'] },
    owner: nullableString,
    createdAt: { type: 'string', format: 'date-time' },
  },
} as const;

export const CATALOG_TREE = {
  type: 'object',
  required: ['schemas'],
  properties: {
    schemas: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'owner', 'tables'],
        properties: {
          name: { type: 'string' },
          owner: nullableString,
          tables: { type: 'array', items: LISTED_TABLE },
        },
      },
    },
  },
} as const;

const COLUMN = {
  type: 'object',
  required: ['name', 'type', 'duckdbType', 'nullable', 'comment'],
  properties: {
    name: { type: 'string' },
    type: { type: 'string', description: 'Delta type' },
    duckdbType: { type: 'string' },
    nullable: { type: 'boolean' },
    comment: nullableString,
  },
} as const;

const CONSTRAINT = {
  type: 'object',
  required: ['kind', 'name', 'expression'],
  properties: {
    kind: { type: 'string', enum: ['not_null', 'check', 'invariant'] },
    name: { type: 'string' },
    expression: { type: 'string' },
  },
} as const;

export const TABLE_DETAIL = {
  type: 'object',
  required: [
    ...LISTED_TABLE.required,
    'version',
    'columns',
    'partitionColumns',
    'constraints',
    'properties',
    'description',
    'restricted',
    'lastCommitAt',
  ],
  properties: {
    ...LISTED_TABLE.properties,
    location: { type: 'string', description: 'Admins only' },
    version: { type: 'integer' },
    columns: { type: 'array', items: COLUMN },
    partitionColumns: { type: 'array', items: { type: 'string' } },
    constraints: { type: 'array', items: CONSTRAINT },
    properties: { type: 'object', additionalProperties: { type: 'string' } },
    description: nullableString,
    restricted: {
      type: 'object',
      required: ['columns', 'rows'],
      properties: { columns: { type: 'boolean' }, rows: { type: 'boolean' } },
    },
    numFiles: { type: 'integer', description: 'Unrestricted principals only' },
    sizeBytes: { type: 'integer', description: 'Bytes of the data files; unrestricted principals only' },
    numRows: { type: ['integer', 'null'], description: 'Absent when a row filter applies' },
    lastCommitAt: { type: 'string', format: 'date-time' },
  },
} as const;

export const HISTORY = {
  type: 'object',
  required: ['table', 'history'],
  properties: {
    table: { type: 'string' },
    history: {
      type: 'array',
      items: {
        type: 'object',
        required: ['version', 'timestamp', 'operation'],
        description: 'A restricted principal gets version, timestamp and operation only',
        properties: {
          version: { type: 'integer' },
          timestamp: { type: 'string', format: 'date-time' },
          operation: { type: 'string' },
          operationParameters: openObject,
          operationMetrics: openObject,
          readVersion: { type: 'integer' },
          isBlindAppend: { type: 'boolean' },
          engineInfo: { type: 'string' },
        },
      },
    },
  },
} as const;

const FILE_STATS = {
  type: ['object', 'null'],
  description: "The file's column statistics (null when it has none)",
  properties: { minValues: openObject, maxValues: openObject, nullCount: openObject },
} as const;

const DATA_FILE = {
  type: 'object',
  required: ['path', 'size', 'rows', 'partitionValues', 'modifiedAt', 'stats', 'deletionVector'],
  properties: {
    path: { type: 'string', description: 'Relative to the table (absolute only for files outside it)' },
    size: { type: 'integer' },
    rows: { type: ['integer', 'null'], description: 'Rows the stats record, before deletion vectors' },
    partitionValues: { type: 'object', additionalProperties: nullableString },
    modifiedAt: { type: 'string', format: 'date-time' },
    stats: FILE_STATS,
    deletionVector: {
      type: ['object', 'null'],
      properties: { deletedRows: { type: 'integer' } },
    },
  },
} as const;

export const TABLE_FILES = {
  type: 'object',
  required: ['table', 'version', 'totalFiles', 'totalBytes', 'offset', 'files'],
  properties: {
    table: { type: 'string' },
    version: { type: 'integer' },
    totalFiles: { type: 'integer' },
    totalBytes: { type: 'integer' },
    offset: { type: 'integer' },
    files: { type: 'array', items: DATA_FILE },
  },
} as const;

export const TABLE_DIFF = {
  type: 'object',
  required: ['table', 'from', 'to', 'source', 'note', 'columns', 'counts', 'changes', 'offset', 'more'],
  properties: {
    table: { type: 'string' },
    from: { type: 'integer', description: 'The older version (its own changes are not included)' },
    to: { type: 'integer' },
    source: {
      type: 'string',
      enum: ['change-data-feed', 'snapshot-difference'],
      description:
        'change-data-feed: inserts, deletes and update images with commit versions; snapshot-difference (no feed): rows of `to` not in `from` (insert) and back (delete)',
    },
    note: { ...nullableString, description: 'Why the diff is a set difference, and how to turn the feed on' },
    columns: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'type'],
        properties: { name: { type: 'string' }, type: { type: 'string' } },
      },
    },
    counts: {
      type: 'object',
      required: ['insert', 'delete', 'update_preimage', 'update_postimage'],
      properties: {
        insert: { type: 'integer' },
        delete: { type: 'integer' },
        update_preimage: { type: 'integer' },
        update_postimage: { type: 'integer' },
      },
    },
    changes: {
      type: 'array',
      description:
        'Visible columns, then `_change_type` (and `_commit_version`, `_commit_timestamp` from the change data feed)',
      items: openObject,
    },
    offset: { type: 'integer' },
    more: { type: 'boolean', description: 'More changes follow this page' },
  },
} as const;

const EVIDENCE = {
  type: 'object',
  required: ['kind', 'column'],
  properties: {
    kind: { type: 'string', enum: ['partition', 'stats'] },
    column: { type: 'string' },
    value: { ...nullableString, description: 'The partition value' },
    min: { description: "The file's min of the column (stats)" },
    max: { description: "The file's max of the column (stats)" },
    nullCount: { description: "The file's null count of the column (stats)" },
  },
} as const;

export const TABLE_SKIPPING = {
  type: 'object',
  required: ['table', 'version', 'filter', 'understood', 'filesTotal', 'filesKept', 'bytesTotal', 'bytesKept', 'files'],
  properties: {
    table: { type: 'string' },
    version: { type: 'integer' },
    filter: { type: 'string' },
    understood: { type: 'boolean', description: 'False when skipping cannot use the filter (every file is kept)' },
    filesTotal: { type: 'integer' },
    filesKept: { type: 'integer' },
    bytesTotal: { type: 'integer' },
    bytesKept: { type: 'integer' },
    files: {
      type: 'array',
      items: {
        type: 'object',
        required: ['path', 'size', 'rows', 'kept', 'reason'],
        properties: {
          path: { type: 'string' },
          size: { type: 'integer' },
          rows: { type: ['integer', 'null'] },
          kept: { type: 'boolean' },
          reason: {
            type: 'object',
            required: ['kind'],
            properties: {
              kind: { type: 'string', enum: ['may-match', 'no-stats', 'empty', 'ruled-out'] },
              by: { type: 'string', enum: ['partition', 'stats'] },
              evidence: { type: 'array', items: EVIDENCE },
            },
          },
        },
      },
    },
  },
} as const;
