/**
 * Response schemas of the flow routes, which the console's types are generated from
 * (through /openapi.json). Fastify serializes through them and drops what they do not
 * list, so each mirrors its FlowControl view field by field (flows/control/*views.ts);
 * test/api/flow-routes.test.ts and flow-console-routes.test.ts compare whole answers.
 */
import { RunState, TaskState } from '../../flows/index.js';

export const str = { type: 'string' } as const;
export const int = { type: 'integer' } as const;
export const bool = { type: 'boolean' } as const;
export const nullable = (type: 'string' | 'integer' | 'number') => ({ type: [type, 'null'] }) as const;
export const strings = { type: 'array', items: str } as const;
/** Any JSON value (parameters, defaults). */
export const json = {} as const;

/** Every property required, none added: the views are closed shapes. */
export function object<P extends Record<string, object>>(properties: P, optional: readonly (keyof P)[] = []) {
  return {
    type: 'object',
    additionalProperties: false,
    required: Object.keys(properties).filter((k) => !optional.includes(k)),
    properties,
  } as const;
}

export const runState = { type: 'string', enum: Object.values(RunState) } as const;
export const taskState = { type: 'string', enum: Object.values(TaskState) } as const;

export const SCHEDULE = {
  anyOf: [
    object({ kind: { const: 'manual' } }),
    object({ kind: { const: 'cron' }, expression: str, timezone: str }),
    object({ kind: { const: 'interval' }, everyMs: int }),
    object({ kind: { const: 'table' }, tables: strings }),
  ],
} as const;

export const LAST_RUN = { anyOf: [object({ id: int, state: runState, createdAt: str }), { type: 'null' }] } as const;

export const FLOW_ROW = object({
  id: str,
  description: nullable('string'),
  schedule: SCHEDULE,
  paused: bool,
  nextTickAt: nullable('string'),
  sourceFile: nullable('string'),
  tasks: int,
  activeRuns: int,
  lastRun: LAST_RUN,
});

export const RUN_VIEW = object({
  id: int,
  flowId: str,
  kind: str,
  state: runState,
  params: json,
  logicalDate: nullable('string'),
  createdAt: str,
  startedAt: nullable('string'),
  endedAt: nullable('string'),
  tasksTotal: int,
  tasksDone: int,
});

const TASK_ERROR = {
  anyOf: [
    object({ reason: str, name: str, message: str, stack: str }, ['reason', 'name', 'message', 'stack']),
    { type: 'null' },
  ],
} as const;

export const TASK_VIEW = object({
  id: int,
  taskId: str,
  mapIndex: int,
  state: taskState,
  attempt: int,
  maxAttempts: int,
  startedAt: nullable('string'),
  endedAt: nullable('string'),
  durationMs: nullable('number'),
  expectedMs: nullable('number'),
  overdue: bool,
  error: TASK_ERROR,
  notice: nullable('string'),
});

export const ATTEMPT_ERROR = object({
  taskId: str,
  mapIndex: int,
  attempt: int,
  outcome: str,
  endedAt: str,
  reason: nullable('string'),
  name: nullable('string'),
  message: nullable('string'),
  stack: nullable('string'),
});

export const RUN_DETAIL = object({
  run: RUN_VIEW,
  tasks: { type: 'array', items: TASK_VIEW },
  etaMs: nullable('number'),
  liveWorkers: int,
  failedAttempts: { type: 'array', items: ATTEMPT_ERROR },
});

export const LATEST_TASK = object({ taskId: str, runId: int, state: taskState, endedAt: nullable('string') });

export const LOG_LINE = object({ id: int, mapIndex: int, attempt: int, stream: str, line: str, loggedAt: str });

export const LOG_PAGE = object({
  lines: { type: 'array', items: LOG_LINE },
  state: taskState,
  finished: bool,
  errors: { type: 'array', items: ATTEMPT_ERROR },
});

const EXISTING_RUN = object({ runId: int, logicalDate: str, state: str });

export const BACKFILL_VIEW = object({
  backfillId: nullable('integer'),
  create: strings,
  rerun: { type: 'array', items: EXISTING_RUN },
  kept: { type: 'array', items: EXISTING_RUN },
  runIds: { type: 'array', items: int },
});

export const TRIGGERED_RUN = object({
  runId: int,
  created: bool,
  state: runState,
  liveWorkers: int,
  notice: nullable('string'),
});

export const MANAGED_RUN = object({ run: RUN_VIEW, cleared: strings });
