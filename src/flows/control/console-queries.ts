/**
 * The console's reads (console-views.ts), for LocalFlowControl. Each is a few indexed
 * queries: the grid reads the last N runs' task instances by (run_id, ...), the Gantt
 * one run's instances and their attempts (pools: pool-status.ts).
 */
import { sql } from 'kysely';
import type { JsonValue } from '../definition/flow-definition.js';
import { paramsSchema } from '../definition/params-schema.js';
import type { Schedule } from '../definition/schedules.js';
import { flowNotFound } from '../queue/flow-registration.js';
import type { QueueContext } from '../queue/queue-context.js';
import type { TaskState } from '../queue/task-states.js';
import type { FlowDetail, GanttAttempt, GanttTask, GanttView, GridView } from './console-views.js';
import type { RunDetail } from './flow-control.js';
import { iso, runView } from './flow-control-views.js';
import { listFlows, runsOfFlow } from './status-queries.js';

async function currentVersion(queue: QueueContext, flowId: string) {
  const db = queue.meta.db;
  const row = await db.selectFrom('flow_definitions').selectAll().where('id', '=', flowId).executeTakeFirst();
  if (row === undefined) throw await flowNotFound(db, flowId);
  return { row, plan: (await queue.plans.get(db, flowId, row.version_hash)).plan };
}

export async function flowDetail(queue: QueueContext, flowId: string): Promise<FlowDetail> {
  const db = queue.meta.db;
  const { row, plan } = await currentVersion(queue, flowId);
  const summary = (await listFlows(db)).find((f) => f.id === flowId);
  const params = plan.params as Record<string, JsonValue>;
  return {
    id: row.id,
    description: row.description,
    schedule: row.schedule as Schedule,
    paused: row.paused,
    nextTickAt: iso(row.next_tick_at),
    maxActiveRuns: Number(row.max_active_runs),
    catchup: row.catchup,
    startDate: iso(row.start_date),
    sourceFile: row.source_file,
    activeRuns: Number(summary?.activeRuns ?? 0),
    lastRun:
      summary?.lastRun === undefined
        ? null
        : { id: Number(summary.lastRun.id), state: summary.lastRun.state, createdAt: iso(summary.lastRun.createdAt)! },
    tasks: plan.tasks.map((t) => ({
      id: t.id,
      upstream: t.upstream,
      downstream: t.downstream,
      mapOver: t.mapOver ?? null,
      triggerRule: t.triggerRule,
      pool: t.pool ?? null,
      priority: t.priority,
      retries: t.retry.retries,
      timeoutMs: t.timeoutMs ?? null,
      reads: t.reads,
      writes: t.writes,
    })),
    params,
    paramsSchema: paramsSchema(params),
  };
}

export async function runGrid(queue: QueueContext, flowId: string, limit: number): Promise<GridView> {
  const db = queue.meta.db;
  const { plan } = await currentVersion(queue, flowId);
  const runs = await runsOfFlow(db, flowId, limit);
  const ids = runs.map((r) => Number(r.id));
  const { rows } = await sql<{
    run_id: number;
    task_id: string;
    state: TaskState;
    attempt: number;
    started_at: Date | null;
    ended_at: Date | null;
    children_total: number | null;
  }>`
    select run_id, task_id, state, attempt, started_at, ended_at, children_total from task_instances
    where run_id = any(${ids}::bigint[]) and map_index = -1 order by id`.execute(db);
  const tasks = plan.tasks.map((t) => t.id);
  for (const r of rows) if (!tasks.includes(r.task_id)) tasks.push(r.task_id);
  const mapped = new Set(plan.tasks.filter((t) => t.mapOver !== undefined).map((t) => t.id));
  return {
    flowId,
    tasks,
    runs: runs.map((run) => ({
      ...runView(run),
      cells: rows
        .filter((r) => Number(r.run_id) === Number(run.id))
        .map((r) => ({
          taskId: r.task_id,
          state: r.state,
          attempt: Number(r.attempt),
          startedAt: iso(r.started_at),
          endedAt: iso(r.ended_at),
          mapCount: mapped.has(r.task_id) && r.children_total !== null ? Number(r.children_total) : null,
        })),
    })),
  };
}

/** `detail`: the run as FlowControl.run reads it (its ETA, expectations and live workers). */
export async function runGantt(queue: QueueContext, detail: RunDetail, now: Date): Promise<GanttView> {
  const { rows: instances } = await sql<{
    id: number;
    task_id: string;
    map_index: number;
    queued_at: Date | null;
    lease_owner: string | null;
  }>`select id, task_id, map_index, queued_at, lease_owner from task_instances where run_id = ${detail.run.id} order by id`.execute(
    queue.meta.db,
  );
  const { rows: attempts } = await sql<{
    task_instance_id: number;
    attempt: number;
    outcome: string;
    queued_at: Date | null;
    started_at: Date;
    ended_at: Date;
    worker_id: string | null;
  }>`
    select task_instance_id, attempt, outcome, queued_at, started_at, ended_at, worker_id from task_attempts
    where task_instance_id = any(${instances.map((i) => Number(i.id))}::bigint[]) order by id`.execute(queue.meta.db);
  const byInstance = new Map(instances.map((i) => [`${i.task_id}|${Number(i.map_index)}`, i]));
  const tasks: GanttTask[] = detail.tasks.map((task) => {
    const instance = byInstance.get(`${task.taskId}|${task.mapIndex}`);
    const past: GanttAttempt[] = attempts
      .filter((a) => instance !== undefined && Number(a.task_instance_id) === Number(instance.id))
      .map((a) => ({
        attempt: Number(a.attempt),
        outcome: a.outcome,
        queuedAt: iso(a.queued_at),
        startedAt: iso(a.started_at),
        endedAt: iso(a.ended_at),
        workerId: a.worker_id,
      }));
    const queuedAt = iso(instance?.queued_at);
    return {
      taskId: task.taskId,
      mapIndex: task.mapIndex,
      state: task.state,
      attempt: task.attempt,
      maxAttempts: task.maxAttempts,
      queuedAt,
      startedAt: task.startedAt,
      endedAt: task.endedAt,
      expectedMs: task.expectedMs,
      overdue: task.overdue,
      attempts: [
        ...past,
        ...current(task.state, task.attempt, queuedAt, task.startedAt, instance?.lease_owner ?? null),
      ],
    };
  });
  return { run: detail.run, etaMs: detail.etaMs, liveWorkers: detail.liveWorkers, now: now.toISOString(), tasks };
}

/** The attempt under way: claimed (running, attempt already counted) or waiting in the queue (the next one). */
function current(
  state: TaskState,
  attempt: number,
  queuedAt: string | null,
  startedAt: string | null,
  worker: string | null,
): GanttAttempt[] {
  if (state === 'running')
    return [{ attempt, outcome: 'running', queuedAt, startedAt, endedAt: null, workerId: worker }];
  if (state === 'queued')
    return [{ attempt: attempt + 1, outcome: 'queued', queuedAt, startedAt: null, endedAt: null, workerId: null }];
  return [];
}
