/**
 * 200 response schemas of the routes the console's shell, Home and Admin pages use: the
 * console's types are generated from them (`npm run openapi:types`). Fastify serializes
 * through these and drops what they do not list, so each lists every property its
 * route sends (nullable ones as `[type, 'null']`).
 */
const nullable = (type: string, extra: Record<string, unknown> = {}) => ({ type: [type, 'null'], ...extra }) as const;
const dateTime = { type: 'string', format: 'date-time' } as const;
const role = { type: 'string', enum: ['admin', 'writer', 'reader'] } as const;

export const TABLE_LIST_RESPONSE = {
  type: 'object',
  required: ['tables'],
  properties: {
    tables: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'schema', 'table', 'kind', 'owner', 'createdAt'],
        properties: {
          name: { type: 'string' },
          schema: { type: 'string' },
          table: { type: 'string' },
          kind: { type: 'string', description: '`managed` or `external`' },
          owner: nullable('string'),
          createdAt: dateTime,
        },
      },
    },
  },
} as const;

const SCHEDULE = {
  type: 'object',
  required: ['kind'],
  description: 'kind manual | cron (expression, timezone) | interval (everyMs) | table (tables)',
  properties: {
    kind: { type: 'string', enum: ['manual', 'cron', 'interval', 'table'] },
    expression: { type: 'string' },
    timezone: { type: 'string' },
    everyMs: { type: 'number' },
    tables: { type: 'array', items: { type: 'string' } },
  },
} as const;

const RUN_STATE = { type: 'string', enum: ['queued', 'running', 'success', 'failed', 'cancelled'] } as const;

export const FLOW_LIST_RESPONSE = {
  type: 'object',
  required: ['flows'],
  properties: {
    flows: {
      type: 'array',
      items: {
        type: 'object',
        required: [
          'id',
          'description',
          'schedule',
          'paused',
          'nextTickAt',
          'sourceFile',
          'tasks',
          'activeRuns',
          'lastRun',
        ],
        properties: {
          id: { type: 'string' },
          description: nullable('string'),
          schedule: SCHEDULE,
          paused: { type: 'boolean' },
          nextTickAt: nullable('string'),
          sourceFile: nullable('string'),
          tasks: { type: 'integer' },
          activeRuns: { type: 'integer' },
          lastRun: {
            type: ['object', 'null'],
            required: ['id', 'state', 'createdAt'],
            properties: { id: { type: 'integer' }, state: RUN_STATE, createdAt: { type: 'string' } },
          },
        },
      },
    },
  },
} as const;

export const RUN_VIEW = {
  type: 'object',
  required: [
    'id',
    'flowId',
    'kind',
    'state',
    'params',
    'logicalDate',
    'createdAt',
    'startedAt',
    'endedAt',
    'tasksTotal',
    'tasksDone',
  ],
  properties: {
    id: { type: 'integer' },
    flowId: { type: 'string' },
    kind: { type: 'string' },
    state: RUN_STATE,
    params: { description: 'The run parameters (JSON)' },
    logicalDate: nullable('string'),
    createdAt: { type: 'string' },
    startedAt: nullable('string'),
    endedAt: nullable('string'),
    tasksTotal: { type: 'integer' },
    tasksDone: { type: 'integer' },
  },
} as const;

export const RUN_LIST_RESPONSE = {
  type: 'object',
  required: ['runs'],
  properties: { runs: { type: 'array', items: RUN_VIEW } },
} as const;

const TOKEN_INFO = {
  type: 'object',
  required: ['id', 'name', 'role', 'createdAt', 'expiresAt', 'revokedAt', 'lastUsedAt'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    role,
    createdAt: dateTime,
    expiresAt: nullable('string', { format: 'date-time' }),
    revokedAt: nullable('string', { format: 'date-time' }),
    lastUsedAt: nullable('string', { format: 'date-time' }),
  },
} as const;

export const TOKEN_RESPONSE = TOKEN_INFO;

export const TOKEN_LIST_RESPONSE = {
  type: 'object',
  required: ['tokens'],
  properties: { tokens: { type: 'array', items: TOKEN_INFO } },
} as const;

export const CREATED_TOKEN_RESPONSE = {
  type: 'object',
  required: ['id', 'name', 'role', 'token', 'expiresAt'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    role,
    token: { type: 'string', description: 'The whole token: shown this once, never stored' },
    expiresAt: nullable('string', { format: 'date-time' }),
  },
} as const;

const GRANT = {
  type: 'object',
  required: ['table', 'columns', 'rowFilter'],
  properties: {
    role: { type: 'string', enum: ['writer', 'reader'] },
    table: { type: 'string' },
    columns: { type: ['array', 'null'], items: { type: 'string' } },
    rowFilter: nullable('string'),
  },
} as const;

export const GRANT_RESPONSE = GRANT;

export const GRANT_LIST_RESPONSE = {
  type: 'object',
  required: ['grants'],
  properties: { grants: { type: 'array', items: { ...GRANT, required: ['role', ...GRANT.required] } } },
} as const;
