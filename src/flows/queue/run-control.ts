/**
 * What a user does to a run after it started (`strata flow cancel|clear|mark-failed|
 * mark-success`, the REST and GraphQL mutations): each one transaction under the
 * flow's row lock, like run creation, so it never races a run being started.
 *
 *   cancel        the run and its unfinished task instances → cancelled; a running
 *                 attempt gets a `cancelled` attempt row, and its worker, which no
 *                 longer finds the attempt running, kills it (worker.ts).
 *   mark          a run failed: unfinished running/queued tasks → failed, those not
 *                 started → skipped; a run success: every task not success, skipped
 *                 or removed → success; a task: that instance (and a mapped task's
 *                 instances) → the state, its downstream moving on as usual.
 *   clear         the failed/cancelled tasks of a finished run (or --task T) and all
 *                 their downstream back to `none`, the run running again.
 * Slots freed (pool, max active runs) are handed on in the same transaction.
 */
import { sql } from 'kysely';
import { planTask, type IndexedPlan } from '../definition/flow-plan.js';
import { RunNotFoundError, RunStateError, TaskNotFoundError } from '../errors.js';
import { promotePools } from './pool-promotion.js';
import type { QueueContext } from './queue-context.js';
import { lockFlow, startQueuedRuns } from './run-creation.js';
import { FINISHED_RUN_STATES, FINISHED_TASK_STATES, TaskState, type RunState } from './task-states.js';
import {
  newEffects,
  propagate,
  propagateFinished,
  startTasks,
  type PropagationEffects,
  type Trx,
} from './task-propagation.js';
import { decideTrigger } from './trigger-rules.js';

export type MarkState = 'success' | 'failed';

interface LockedRun {
  readonly id: number;
  readonly flowId: string;
  readonly state: RunState;
  readonly plan: IndexedPlan;
  readonly maxActiveRuns: number;
}

const unfinished = sql.join(FINISHED_TASK_STATES.map((s) => sql.lit(s)));

/** Runs `change` on the locked run, then starts waiting runs and wakes workers. */
async function withRun<T>(
  ctx: QueueContext,
  runId: number,
  change: (trx: Trx, run: LockedRun, effects: PropagationEffects) => Promise<T>,
): Promise<T> {
  const effects = newEffects();
  const result = await ctx.meta.transaction(async (trx) => {
    const head = await trx.selectFrom('flow_runs').select('flow_id').where('id', '=', runId).executeTakeFirst();
    if (head === undefined) throw new RunNotFoundError(String(runId));
    const flow = await lockFlow(trx, head.flow_id);
    const row = await trx
      .selectFrom('flow_runs')
      .select(['state', 'version_hash'])
      .where('id', '=', runId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const plan = await ctx.plans.get(trx, head.flow_id, row.version_hash);
    const run = { id: runId, flowId: head.flow_id, state: row.state, plan, maxActiveRuns: flow.max_active_runs };
    const value = await change(trx, run, effects);
    await startQueuedRuns(trx, ctx, head.flow_id, flow.max_active_runs, effects);
    await promotePools(trx, effects);
    return value;
  });
  if (effects.queued > 0) await ctx.notifier.notify();
  return result;
}

const isFinishedRun = (state: RunState) => FINISHED_RUN_STATES.includes(state);

async function setRunState(trx: Trx, runId: number, state: RunState, by: string): Promise<void> {
  await sql`
    update flow_runs set state = ${state}, ended_at = coalesce(ended_at, now()), tasks_unfinished = 0, managed_by = ${by}, managed_at = now(),
      started_at = coalesce(started_at, now())
    where id = ${runId}`.execute(trx);
}

/** Pools of the instances about to leave queued/running, so their slots go to others. */
async function freePools(trx: Trx, runId: number, effects: PropagationEffects): Promise<void> {
  const { rows } = await sql<{ pool: string }>`
    select distinct pool from task_instances where run_id = ${runId} and pool is not null and state in ('queued', 'running')`.execute(
    trx,
  );
  for (const row of rows) effects.pools.add(row.pool);
}

/** Records a `cancelled` (or marked) attempt for every attempt running now: the history shows it was stopped. */
async function endRunningAttempts(trx: Trx, runId: number, outcome: string, message: string): Promise<void> {
  const error = JSON.stringify({ reason: 'cancelled', name: 'TaskCancelled', message });
  await sql`
    insert into task_attempts (task_instance_id, run_id, flow_id, task_id, attempt, worker_id, outcome, queued_at, started_at, ended_at, duration_ms, error)
    select id, run_id, flow_id, task_id, attempt, lease_owner, ${outcome}, queued_at, coalesce(started_at, now()), now(),
           extract(epoch from now() - coalesce(started_at, now())) * 1000, ${error}::jsonb
    from task_instances where run_id = ${runId} and state = 'running' and children_total is null`.execute(trx);
}

/** On an instance marked while it ran: its worker stops the attempt (an expired lease's `lost` would not). */
function markedError(state: MarkState, by: string): string {
  return JSON.stringify({ reason: 'marked', name: 'TaskMarked', message: `marked ${state} by ${by} while it ran` });
}

export async function cancelRun(ctx: QueueContext, runId: number, by: string): Promise<void> {
  await withRun(ctx, runId, async (trx, run, effects) => {
    if (isFinishedRun(run.state))
      throw new RunStateError(runId, run.state, 'only a queued or running run can be cancelled.');
    await freePools(trx, runId, effects);
    const message = `cancelled by ${by}`;
    await endRunningAttempts(trx, runId, 'cancelled', message);
    await sql`
      update task_instances set state = 'cancelled', ended_at = now(), lease_owner = null, lease_expires_at = null, next_attempt_at = null,
        error = case when state = 'running' and children_total is null
          then jsonb_build_object('reason', 'cancelled', 'name', 'TaskCancelled', 'message', ${message}::text) else error end
      where run_id = ${runId} and state not in (${unfinished})`.execute(trx);
    await setRunState(trx, runId, 'cancelled', by);
  });
}

export async function markRun(ctx: QueueContext, runId: number, state: MarkState, by: string): Promise<void> {
  await withRun(ctx, runId, async (trx, run, effects) => {
    await freePools(trx, runId, effects);
    await endRunningAttempts(trx, runId, state, `marked ${state} by ${by}`);
    // Airflow's rule for a run marked failed: what was running or waiting to run fails, what
    // had not started yet is skipped.
    await sql`
      update task_instances set ended_at = now(), lease_owner = null, lease_expires_at = null, next_attempt_at = null,
        error = case when state = 'running' then ${markedError(state, by)}::jsonb else error end,
        state = case when ${state}::text = 'success' then 'success' when state = 'none' then 'skipped' else 'failed' end
      where run_id = ${runId} and ${state === 'success' ? sql`state not in ('success', 'skipped', 'removed')` : sql`state not in (${unfinished})`}`.execute(
      trx,
    );
    await setRunState(trx, runId, state, by);
  });
}

export interface TaskRef {
  readonly taskId: string;
  /** One instance of a mapped task; default: the task itself (all its instances). */
  readonly mapIndex?: number;
}

export async function markTask(
  ctx: QueueContext,
  runId: number,
  task: TaskRef,
  state: MarkState,
  by: string,
): Promise<void> {
  await withRun(ctx, runId, async (trx, run, effects) => {
    const mapIndex = task.mapIndex ?? -1;
    const instance = await trx
      .selectFrom('task_instances')
      .select(['id', 'state', 'parent_id', 'pool'])
      .where('run_id', '=', runId)
      .where('task_id', '=', task.taskId)
      .where('map_index', '=', mapIndex)
      .executeTakeFirst();
    if (instance === undefined) throw await taskNotFound(trx, runId, task);
    const before = instance.state as TaskState;
    if (before === state) return;
    if (instance.pool !== null) effects.pools.add(instance.pool);
    const ids = [Number(instance.id)];
    if (mapIndex === -1) {
      // A mapped task's unfinished instances follow it.
      const children = await sql<{ id: number }>`
        select id from task_instances where parent_id = ${instance.id} and state not in (${unfinished})`.execute(trx);
      ids.push(...children.rows.map((c) => Number(c.id)));
    }
    await sql`
      update task_instances set state = ${state}, ended_at = now(), lease_owner = null, lease_expires_at = null, next_attempt_at = null,
        error = case when state = 'running' then ${markedError(state, by)}::jsonb else error end,
        children_unfinished = case when children_total is null then null else 0 end
      where id = any(${ids}::bigint[])`.execute(trx);
    if (!FINISHED_TASK_STATES.includes(before) && !isFinishedRun(run.state)) {
      const parentId = mapIndex === -1 ? null : instance.parent_id === null ? null : Number(instance.parent_id);
      await propagateFinished(trx, [{ runId, taskId: task.taskId, parentId, state }], async () => run.plan, effects);
      return;
    }
    // A finished task changed its mind: a finished run's state follows its tasks.
    if (isFinishedRun(run.state)) {
      await sql`
        update flow_runs set managed_by = ${by}, managed_at = now(), state = case when exists (
          select 1 from task_instances where run_id = ${runId} and map_index = -1 and state in ('failed', 'upstream_failed', 'cancelled')
        ) then 'failed' else 'success' end
        where id = ${runId}`.execute(trx);
    }
  });
}

/**
 * Clears tasks of a finished run for another try, as Airflow's clear does: the given
 * task, or every failed, upstream_failed and cancelled one, with all their downstream.
 * Returns the cleared task ids. Attempts and logs stay as history.
 */
export async function clearTasks(
  ctx: QueueContext,
  runId: number,
  taskId: string | undefined,
  by: string,
): Promise<string[]> {
  return withRun(ctx, runId, async (trx, run, effects) => {
    if (!isFinishedRun(run.state))
      throw new RunStateError(runId, run.state, 'only a finished run can be cleared (cancel it first).');
    const states = new Map(
      (
        await trx
          .selectFrom('task_instances')
          .select(['task_id', 'state'])
          .where('run_id', '=', runId)
          .where('map_index', '=', -1)
          .execute()
      ).map((r) => [r.task_id, r.state as TaskState]),
    );
    let roots: string[];
    if (taskId !== undefined) {
      if (!states.has(taskId)) throw await taskNotFound(trx, runId, { taskId });
      roots = [taskId];
    } else {
      const bad: readonly string[] = [TaskState.failed, TaskState.upstreamFailed, TaskState.cancelled];
      roots = [...states].filter(([, s]) => bad.includes(s)).map(([id]) => id);
      if (roots.length === 0)
        throw new RunStateError(runId, run.state, 'no task failed or was cancelled; name one to rerun with --task.');
    }
    const cleared = withDownstream(run.plan, roots).filter((id) => states.has(id));
    await resetTasks(trx, run.plan, runId, cleared, states);
    await sql`
      update flow_runs set state = 'running', ended_at = null, clear_count = clear_count + 1, tasks_unfinished = ${cleared.length},
        managed_by = ${by}, managed_at = now()
      where id = ${runId}`.execute(trx);
    await startReady(trx, run.plan, runId, cleared, effects);
    return cleared;
  });
}

function withDownstream(plan: IndexedPlan, roots: readonly string[]): string[] {
  const seen = new Set<string>();
  const pending = [...roots];
  while (pending.length > 0) {
    const id = pending.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    pending.push(...planTask(plan, id).downstream);
  }
  // In plan order (upstreams first).
  return plan.plan.tasks.map((t) => t.id).filter((id) => seen.has(id));
}

const counterOf = (state: TaskState | undefined) =>
  state === TaskState.success
    ? 'success'
    : state === TaskState.failed || state === TaskState.upstreamFailed || state === TaskState.cancelled
      ? 'failed'
      : state === TaskState.skipped || state === TaskState.removed
        ? 'skipped'
        : undefined;

/** Back to none, counting the upstreams that stay as they are. */
async function resetTasks(
  trx: Trx,
  plan: IndexedPlan,
  runId: number,
  cleared: readonly string[],
  states: ReadonlyMap<string, TaskState>,
): Promise<void> {
  const set = new Set(cleared);
  const counts = cleared.map((id) => {
    const c = { success: 0, failed: 0, skipped: 0 };
    for (const up of planTask(plan, id).upstream) {
      const counter = set.has(up) ? undefined : counterOf(states.get(up));
      if (counter !== undefined) c[counter] += 1;
    }
    return c;
  });
  await sql`delete from task_instances where run_id = ${runId} and map_index >= 0 and task_id = any(${cleared}::text[])`.execute(
    trx,
  );
  await sql`
    update task_instances t set state = 'none', upstream_success = v.s, upstream_failed = v.f, upstream_skipped = v.k, attempt = 0,
      output = null, error = null, output_bytes = null, children_total = null, children_unfinished = null, queued_at = null,
      started_at = null, ended_at = null, next_attempt_at = null, lease_owner = null, lease_expires_at = null
    from unnest(${cleared}::text[], ${counts.map((c) => c.success)}::int[], ${counts.map((c) => c.failed)}::int[], ${counts.map((c) => c.skipped)}::int[]) as v(task_id, s, f, k)
    where t.run_id = ${runId} and t.map_index = -1 and t.task_id = v.task_id`.execute(trx);
}

/** Cleared tasks whose upstreams all stayed: decided now (run, or skipped/upstream_failed), the rest wait for them. */
async function startReady(
  trx: Trx,
  plan: IndexedPlan,
  runId: number,
  cleared: readonly string[],
  effects: PropagationEffects,
): Promise<void> {
  const set = new Set(cleared);
  const { rows } = await sql<{
    task_id: string;
    upstream_success: number;
    upstream_failed: number;
    upstream_skipped: number;
  }>`
    select task_id, upstream_success, upstream_failed, upstream_skipped from task_instances
    where run_id = ${runId} and map_index = -1 and task_id = any(${cleared}::text[])`.execute(trx);
  const toStart: string[] = [];
  const ended: { taskId: string; state: TaskState }[] = [];
  for (const row of rows) {
    const task = planTask(plan, row.task_id);
    if (task.upstream.some((up) => set.has(up))) continue;
    const decision = decideTrigger(task.triggerRule, {
      total: task.upstream.length,
      success: row.upstream_success,
      failed: row.upstream_failed,
      skipped: row.upstream_skipped,
    });
    if (decision === 'run') toStart.push(row.task_id);
    else if (decision !== 'wait') ended.push({ taskId: row.task_id, state: decision });
  }
  for (const e of ended)
    await sql`update task_instances set state = ${e.state}, ended_at = now() where run_id = ${runId} and task_id = ${e.taskId} and map_index = -1`.execute(
      trx,
    );
  const immediate = await startTasks(trx, plan, runId, toStart, effects);
  await propagate(trx, plan, runId, [...ended, ...immediate], effects);
}

async function taskNotFound(trx: Trx, runId: number, task: TaskRef): Promise<TaskNotFoundError> {
  const known = await trx
    .selectFrom('task_instances')
    .select('task_id')
    .distinct()
    .where('run_id', '=', runId)
    .orderBy('task_id')
    .execute();
  const name = task.mapIndex === undefined ? task.taskId : `${task.taskId}[${task.mapIndex}]`;
  return new TaskNotFoundError(
    runId,
    name,
    known.map((k) => k.task_id),
  );
}
