/**
 * Clearing tasks of a finished run, as Airflow's clear does (`strata flow clear`): the
 * chosen tasks and everything downstream go back to `none` with their upstream counters
 * recomputed from the tasks that keep their result, so the counter-driven propagation
 * (task-propagation.ts) carries the run forward as if they had never run.
 */
import { sql } from 'kysely';
import { planTask, type IndexedPlan } from '../definition/flow-plan.js';
import { RunStateError } from '../errors.js';
import type { QueueContext } from './queue-context.js';
import { isFinishedRun, taskNotFound, withRun } from './run-control.js';
import { TaskState } from './task-states.js';
import { counterOf, propagate, startTasks, type PropagationEffects, type Trx } from './task-propagation.js';
import { decideTrigger } from './trigger-rules.js';

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
