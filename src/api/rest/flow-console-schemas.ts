/**
 * Response schemas of the console's flow routes (flow-console-routes.ts): a flow's
 * detail with its DAG and params schema, the grid, the Gantt data, pools. Built from
 * the same parts as flow-schemas.ts, mirroring flows/control/console-views.ts.
 */
import { TriggerRule } from '../../flows/index.js';
import {
  bool,
  int,
  json,
  LAST_RUN,
  nullable,
  object,
  RUN_VIEW,
  SCHEDULE,
  str,
  strings,
  taskState,
} from './flow-schemas.js';

const PARAM_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['default'],
  properties: {
    type: { type: 'string', enum: ['string', 'number', 'integer', 'boolean', 'array', 'object'] },
    default: json,
  },
} as const;

export const FLOW_DETAIL = object({
  id: str,
  description: nullable('string'),
  schedule: SCHEDULE,
  paused: bool,
  nextTickAt: nullable('string'),
  maxActiveRuns: int,
  catchup: bool,
  startDate: nullable('string'),
  sourceFile: nullable('string'),
  activeRuns: int,
  lastRun: LAST_RUN,
  tasks: {
    type: 'array',
    items: object({
      id: str,
      upstream: strings,
      downstream: strings,
      mapOver: nullable('string'),
      triggerRule: { type: 'string', enum: Object.values(TriggerRule) },
      pool: nullable('string'),
      priority: int,
      retries: int,
      timeoutMs: nullable('integer'),
      reads: strings,
      writes: strings,
    }),
  },
  params: { type: 'object', additionalProperties: json },
  paramsSchema: object({
    type: { const: 'object' },
    properties: { type: 'object', additionalProperties: PARAM_SCHEMA },
    additionalProperties: { const: false },
  }),
});

const GRID_CELL = object({
  taskId: str,
  state: taskState,
  attempt: int,
  startedAt: nullable('string'),
  endedAt: nullable('string'),
  mapCount: nullable('integer'),
});

export const GRID_VIEW = object({
  flowId: str,
  tasks: strings,
  runs: {
    type: 'array',
    items: object({ ...RUN_VIEW.properties, cells: { type: 'array', items: GRID_CELL } }),
  },
});

const GANTT_ATTEMPT = object({
  attempt: int,
  outcome: str,
  queuedAt: nullable('string'),
  startedAt: nullable('string'),
  endedAt: nullable('string'),
  workerId: nullable('string'),
});

export const GANTT_VIEW = object({
  run: RUN_VIEW,
  etaMs: nullable('number'),
  liveWorkers: int,
  now: str,
  tasks: {
    type: 'array',
    items: object({
      taskId: str,
      mapIndex: int,
      state: taskState,
      attempt: int,
      maxAttempts: int,
      queuedAt: nullable('string'),
      startedAt: nullable('string'),
      endedAt: nullable('string'),
      expectedMs: nullable('number'),
      overdue: bool,
      attempts: { type: 'array', items: GANTT_ATTEMPT },
    }),
  },
});

export const POOL_VIEW = object({
  name: str,
  slots: int,
  description: nullable('string'),
  used: int,
  running: int,
  queued: int,
  waiting: int,
});
