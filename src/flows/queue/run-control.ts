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
 *   clear         (run-clear.ts) the failed/cancelled tasks of a finished run (or
 *                 --task T) and all their downstream back to `none`, running again.
 * Slots freed (pool, max active runs) are handed on in the same transaction.
 */
import { sql } from 'kysely';
import type { IndexedPlan } from '../definition/flow-plan.js';
import { RunNotFoundError, RunStateError, TaskNotFoundError } from '../errors.js';
import { promotePools } from './pool-promotion.js';
import type { QueueContext } from './queue-context.js';
import { lockFlow, startQueuedRuns } from './run-creation.js';
import { FINISHED_RUN_STATES, FINISHED_TASK_STATES, TaskState, type RunState } from './task-states.js';
import { newEffects, propagateFinished, type PropagationEffects, type Trx } from './task-propagation.js';

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
export async function withRun<T>(
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

export const isFinishedRun = (state: RunState) => FINISHED_RUN_STATES.includes(state);

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

export async function taskNotFound(trx: Trx, runId: number, task: TaskRef): Promise<TaskNotFoundError> {
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
