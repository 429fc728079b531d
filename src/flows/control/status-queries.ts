/**
 * The queries the CLI (and the UI to come) read, each served by an index of
 * migration 0002 so it stays fast however much history accumulates (measured with
 * 2,000,000 task instances by `npm run bench -- flows`):
 *   runs of a flow            flow_runs (flow_id, id desc)
 *   task instances of a run   task_instances (run_id, task_id, map_index)
 *   latest state per task     one index probe per task on (flow_id, task_id, id desc)
 *   failures since a time     partial index on ended_at where state = 'failed'
 */
import { sql } from 'kysely';
import type { Db } from '../queue/queue-context.js';
import type { RunState, TaskState } from '../queue/task-states.js';

export interface FlowSummary {
  readonly id: string;
  readonly description: string | null;
  readonly schedule: unknown;
  readonly paused: boolean;
  readonly nextTickAt: Date | null;
  readonly sourceFile: string | null;
  readonly activeRuns: number;
  readonly lastRun: { readonly id: number; readonly state: RunState; readonly createdAt: Date } | undefined;
}

export async function listFlows(db: Db): Promise<FlowSummary[]> {
  const { rows } = await sql<{
    id: string;
    description: string | null;
    schedule: unknown;
    paused: boolean;
    next_tick_at: Date | null;
    source_file: string | null;
    active: number;
    last_id: number | null;
    last_state: RunState | null;
    last_created: Date | null;
  }>`
    select f.id, f.description, f.schedule, f.paused, f.next_tick_at, f.source_file,
      (select count(*)::int from flow_runs r where r.flow_id = f.id and r.state in ('queued', 'running')) as active,
      l.id as last_id, l.state as last_state, l.created_at as last_created
    from flow_definitions f
    left join lateral (select id, state, created_at from flow_runs r where r.flow_id = f.id order by id desc limit 1) l on true
    order by f.id`.execute(db);
  return rows.map((r) => ({
    id: r.id,
    description: r.description,
    schedule: r.schedule,
    paused: r.paused,
    nextTickAt: r.next_tick_at,
    sourceFile: r.source_file,
    activeRuns: r.active,
    lastRun: r.last_id === null ? undefined : { id: r.last_id, state: r.last_state!, createdAt: r.last_created! },
  }));
}

export interface RunSummary {
  readonly id: number;
  readonly flowId: string;
  readonly runKey: string;
  readonly kind: string;
  readonly state: RunState;
  readonly params: unknown;
  readonly logicalDate: Date | null;
  readonly createdAt: Date;
  readonly startedAt: Date | null;
  readonly endedAt: Date | null;
  readonly tasksTotal: number;
  readonly tasksUnfinished: number;
}

const runColumns = sql`id, flow_id as "flowId", run_key as "runKey", kind, state, params, logical_date as "logicalDate", created_at as "createdAt",
  started_at as "startedAt", ended_at as "endedAt", tasks_total as "tasksTotal", tasks_unfinished as "tasksUnfinished"`;

export async function runsOfFlow(db: Db, flowId: string, limit = 20, beforeId?: number): Promise<RunSummary[]> {
  const { rows } = await sql<RunSummary>`
    select ${runColumns} from flow_runs where flow_id = ${flowId} ${beforeId === undefined ? sql`` : sql`and id < ${beforeId}`}
    order by id desc limit ${limit}`.execute(db);
  return rows;
}

export async function getRun(db: Db, runId: number): Promise<RunSummary | undefined> {
  const { rows } = await sql<RunSummary>`select ${runColumns} from flow_runs where id = ${runId}`.execute(db);
  return rows[0];
}

export interface TaskInstanceSummary {
  readonly id: number;
  readonly taskId: string;
  readonly mapIndex: number;
  readonly state: TaskState;
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly queuedAt: Date | null;
  readonly startedAt: Date | null;
  readonly endedAt: Date | null;
  readonly error: unknown;
  readonly output: unknown;
  readonly leaseOwner: string | null;
  readonly childrenTotal: number | null;
  readonly childrenUnfinished: number | null;
  /** Size of the attempt's inputs as JSON (known from its claim on). */
  readonly inputBytes: number | null;
}

export async function taskInstancesOfRun(
  db: Db,
  runId: number,
  options: { includeMapInstances?: boolean } = {},
): Promise<TaskInstanceSummary[]> {
  const { rows } = await sql<TaskInstanceSummary>`
    select id, task_id as "taskId", map_index as "mapIndex", state, attempt, max_attempts as "maxAttempts", queued_at as "queuedAt",
      started_at as "startedAt", ended_at as "endedAt", error, output, lease_owner as "leaseOwner",
      children_total as "childrenTotal", children_unfinished as "childrenUnfinished", input_bytes as "inputBytes"
    from task_instances where run_id = ${runId} ${options.includeMapInstances ? sql`` : sql`and map_index = -1`}
    order by id`.execute(db);
  return rows;
}

export interface LatestTaskState {
  readonly taskId: string;
  readonly runId: number;
  readonly state: TaskState;
  readonly endedAt: Date | null;
}

/** Each task's most recent instance: one index probe per task of the flow's current plan. */
export async function latestStatePerTask(db: Db, flowId: string): Promise<LatestTaskState[]> {
  const { rows } = await sql<LatestTaskState>`
    select k.task_id as "taskId", l.run_id as "runId", l.state, l.ended_at as "endedAt"
    from flow_definitions f
    join flow_versions v on v.flow_id = f.id and v.version_hash = f.version_hash
    cross join lateral jsonb_array_elements(v.plan->'tasks') as e(task)
    cross join lateral (select e.task->>'id' as task_id) k
    join lateral (
      select run_id, state, ended_at from task_instances t where t.flow_id = f.id and t.task_id = k.task_id order by t.id desc limit 1
    ) l on true
    where f.id = ${flowId}`.execute(db);
  return rows;
}

export interface TaskFailureRow {
  readonly id: number;
  readonly flowId: string;
  readonly runId: number;
  readonly taskId: string;
  readonly mapIndex: number;
  readonly endedAt: Date;
  readonly error: unknown;
}

export async function failuresSince(db: Db, since: Date, limit = 100): Promise<TaskFailureRow[]> {
  const { rows } = await sql<TaskFailureRow>`
    select id, flow_id as "flowId", run_id as "runId", task_id as "taskId", map_index as "mapIndex", ended_at as "endedAt", error
    from task_instances where state = 'failed' and ended_at >= ${since} order by ended_at desc limit ${limit}`.execute(
    db,
  );
  return rows;
}

export interface LogLineRow {
  readonly id: number;
  readonly attempt: number;
  readonly stream: string;
  readonly line: string;
  readonly loggedAt: Date;
}

export async function taskLogs(db: Db, taskInstanceId: number, afterId = 0): Promise<LogLineRow[]> {
  const { rows } = await sql<LogLineRow>`
    select id, attempt, stream, line, logged_at as "loggedAt" from task_logs
    where task_instance_id = ${taskInstanceId} and id > ${afterId} order by id`.execute(db);
  return rows;
}
