/**
 * Flows and runs as GraphQL types: `flows`, `runs(flow, limit)`, `run(id)` with its
 * tasks, and `trigger_flow(flow, params)`, `cancel_run`, `clear_run`, `mark_run` (writers
 * and admins). Field names are
 * snake_case like the table fields; values come from FlowControl's plain views.
 */
import {
  FlowParamsError,
  RunNotFoundError,
  type RunAction,
  type FlowControl,
  type JsonValue,
  type RunDetail,
  type RunView,
  type TaskView,
} from '../../flows/index.js';
import { isStrataError } from '../../core/index.js';
import { requireRole } from '../../catalog/index.js';
import { countArgument } from './filter-sql.js';
import type { FieldResolver, GraphqlContext } from './graphql-context.js';

export const FLOW_SDL = `
type Flow {
  id: ID!
  description: String
  schedule: JSON
  paused: Boolean!
  next_tick_at: String
  source_file: String
  task_count: Int!
  active_runs: Int!
  runs(limit: Int): [Run!]!
}
type Task {
  id: ID!
  task_id: String!
  map_index: Int!
  state: String!
  attempt: Int!
  max_attempts: Int!
  started_at: String
  ended_at: String
  duration_ms: Float
  expected_ms: Float
  overdue: Boolean!
  error: JSON
  "A queued task nobody claimed for a while, and why."
  notice: String
}
"One failed attempt's error, as stored with the attempt."
type AttemptError {
  task_id: String!
  map_index: Int!
  attempt: Int!
  outcome: String!
  ended_at: String!
  reason: String
  name: String
  message: String
  stack: String
}
type Run {
  id: ID!
  flow_id: String!
  kind: String!
  state: String!
  params: JSON
  logical_date: String
  created_at: String!
  started_at: String
  ended_at: String
  tasks_total: Int!
  tasks_done: Int!
  eta_ms: Float
  tasks: [Task!]!
  "Workers alive now: 0 means nothing runs this run's queued tasks."
  live_workers: Int!
  "Every failed attempt's error, map instances included (oldest first, at most 200)."
  failed_attempts: [AttemptError!]!
}
type TriggeredRun {
  run_id: ID!
  created: Boolean!
  state: String!
  run: Run
}
enum RunMark {
  success
  failed
}
"""A run or task state change (topic runs or runs/<id>)."""
type RunEvent {
  id: String!
  type: String!
  run_id: ID
  state: String
  data: JSON
}
`;

export const FLOW_QUERY_FIELDS = ['flows: [Flow!]!', 'runs(flow: String, limit: Int): [Run!]!', 'run(id: ID!): Run'];
/** Runs one list field returns at most (as REST's /v1/flows/{flowId}/runs). */
const MAX_RUNS = 1000;

function runLimit(value: unknown): number {
  return countArgument('limit', value, MAX_RUNS) ?? 20;
}

export const FLOW_MUTATION_FIELDS = [
  'trigger_flow(flow: String!, params: JSON): TriggeredRun!',
  'cancel_run(id: ID!): Run!',
  'clear_run(id: ID!, task: String): Run!',
  'mark_run(id: ID!, state: RunMark!, task: String, map_index: Int): Run!',
];

function task(t: TaskView): Record<string, unknown> {
  return {
    id: t.id,
    task_id: t.taskId,
    map_index: t.mapIndex,
    state: t.state,
    attempt: t.attempt,
    max_attempts: t.maxAttempts,
    started_at: t.startedAt,
    ended_at: t.endedAt,
    duration_ms: t.durationMs,
    expected_ms: t.expectedMs,
    overdue: t.overdue,
    error: t.error,
    notice: t.notice,
  };
}

function run(flows: FlowControl, r: RunView, detail?: RunDetail): Record<string, unknown> {
  return {
    id: r.id,
    flow_id: r.flowId,
    kind: r.kind,
    state: r.state,
    params: r.params,
    logical_date: r.logicalDate,
    created_at: r.createdAt,
    started_at: r.startedAt,
    ended_at: r.endedAt,
    tasks_total: r.tasksTotal,
    tasks_done: r.tasksDone,
    eta_ms: detail?.etaMs ?? null,
    // Tasks are read only when asked for: a list of runs does not query every run's tasks.
    tasks: async () => (detail ?? (await flows.run(r.id))).tasks.map(task),
    live_workers: async () => (detail ?? (await flows.run(r.id))).liveWorkers,
    failed_attempts: async () =>
      (detail ?? (await flows.run(r.id))).failedAttempts.map((a) => ({
        task_id: a.taskId,
        map_index: a.mapIndex,
        attempt: a.attempt,
        outcome: a.outcome,
        ended_at: a.endedAt,
        reason: a.reason,
        name: a.name,
        message: a.message,
        stack: a.stack,
      })),
  };
}

async function allRuns(flows: FlowControl, flow: string | undefined, limit: number): Promise<RunView[]> {
  if (flow !== undefined) return flows.runs(flow, limit);
  const lists = await Promise.all((await flows.list()).map((f) => flows.runs(f.id, limit)));
  return lists
    .flat()
    .sort((a, b) => b.id - a.id)
    .slice(0, limit);
}

export function flowQueryResolvers(flows: FlowControl): Record<string, FieldResolver> {
  return {
    flows: async () =>
      (await flows.list()).map((f) => ({
        id: f.id,
        description: f.description,
        schedule: f.schedule,
        paused: f.paused,
        next_tick_at: f.nextTickAt,
        source_file: f.sourceFile,
        task_count: f.tasks,
        active_runs: f.activeRuns,
        runs: async (args: { limit?: number | null }) =>
          (await flows.runs(f.id, runLimit(args.limit))).map((r) => run(flows, r)),
      })),
    runs: async (_s, args) =>
      (await allRuns(flows, (args.flow as string | null) ?? undefined, runLimit(args.limit))).map((r) => run(flows, r)),
    run: async (_s, args) => {
      const id = Number(args.id);
      if (!Number.isInteger(id)) return null;
      const detail = await flows.run(id).catch((error: unknown) => {
        if (isStrataError(error) && error.category === 'not_found') return null;
        throw error;
      });
      return detail === null ? null : run(flows, detail.run, detail);
    },
  };
}

/** cancel_run, clear_run, mark_run: the run after the change. */
function manage(flows: FlowControl, action: (args: Record<string, unknown>) => RunAction): FieldResolver {
  return async (_s, args, context: GraphqlContext) => {
    requireRole(context.principal, 'writer', 'Managing a run');
    const id = Number(args.id);
    if (!Number.isInteger(id) || id < 1) throw new RunNotFoundError(String(args.id));
    await flows.manageRun(id, action(args), context.principal.name);
    const detail = await flows.run(id);
    return run(flows, detail.run, detail);
  };
}

const taskOf = (args: Record<string, unknown>) => ({
  ...(typeof args.task === 'string' ? { taskId: args.task } : {}),
  ...(typeof args.map_index === 'number' ? { mapIndex: args.map_index } : {}),
});

export function flowMutationResolvers(flows: FlowControl): Record<string, FieldResolver> {
  return {
    cancel_run: manage(flows, () => ({ kind: 'cancel' })),
    clear_run: manage(flows, (args) => ({
      kind: 'clear',
      ...(typeof args.task === 'string' ? { taskId: args.task } : {}),
    })),
    mark_run: manage(flows, (args) => ({
      kind: 'mark',
      state: args.state === 'success' ? 'success' : 'failed',
      ...taskOf(args),
    })),
    trigger_flow: async (_s, args, context: GraphqlContext) => {
      requireRole(context.principal, 'writer', 'Triggering a flow');
      const flow = String(args.flow);
      const params = args.params ?? {};
      // JSON accepts any value; spread into the run's parameters, a list or text would become keys "0", "1", ...
      if (typeof params !== 'object' || params === null || Array.isArray(params)) {
        throw new FlowParamsError(flow, `params must be an object of parameter values, not ${JSON.stringify(params)}.`);
      }
      const triggered = await flows.trigger(flow, params as Record<string, JsonValue>);
      return {
        run_id: triggered.runId,
        created: triggered.created,
        state: triggered.state,
        run: async () => {
          const detail = await flows.run(triggered.runId);
          return run(flows, detail.run, detail);
        },
      };
    },
  };
}
