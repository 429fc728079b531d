/**
 * How finished tasks move their runs forward, inside the completing transaction:
 * each finished task adds to its downstreams' upstream counters; a downstream whose
 * trigger rule is now decided is started (queued, or scheduled in a pool, or expanded
 * into map instances) or finished itself (skipped, upstream_failed), which is the
 * next wave. When every task of a run has finished, the run ends.
 *
 * Counters instead of reading upstream rows keep a 10,000-way fan-in cheap: a batch
 * of completions touches the fan-in row once.
 */
import { sql } from 'kysely';
import { planTask, type IndexedPlan } from '../definition/flow-plan.js';
import { TaskState } from './task-states.js';
import { decideTrigger } from './trigger-rules.js';
import { expandMappedTasks, finishMapInstances } from './map-expansion.js';
import { newEffects, type FinishedTask, type PropagationEffects, type Trx } from './propagation-effects.js';

export { newEffects, type FinishedTask, type PropagationEffects, type Trx };

/** Which of a run's counters a finished task adds to (cancelled counts as failed, as for trigger rules). */
export const counterOf = (state: TaskState | undefined): 'success' | 'failed' | 'skipped' | undefined =>
  state === TaskState.success
    ? 'success'
    : state === TaskState.failed || state === TaskState.upstreamFailed || state === TaskState.cancelled
      ? 'failed'
      : state === TaskState.skipped || state === TaskState.removed
        ? 'skipped'
        : undefined;

/** A task instance (a map instance or not) that reached a finished state in this transaction. */
export interface FinishedInstance {
  readonly runId: number;
  readonly taskId: string;
  readonly parentId: number | null;
  readonly state: TaskState;
}

/**
 * Moves runs forward from finished instances: map instances count off their parents
 * (a parent whose instances have all finished joins the others), then each run, in id
 * order so concurrent transactions lock runs in one order, propagates downstream.
 */
export async function propagateFinished(
  trx: Trx,
  finished: readonly FinishedInstance[],
  planFor: (runId: number) => Promise<IndexedPlan>,
  effects: PropagationEffects,
): Promise<void> {
  const byRun = new Map<number, FinishedTask[]>();
  const add = (runId: number, task: FinishedTask) => byRun.set(runId, [...(byRun.get(runId) ?? []), task]);
  const parents = new Map<number, number>();
  for (const instance of finished) {
    if (instance.parentId !== null) parents.set(instance.parentId, (parents.get(instance.parentId) ?? 0) + 1);
    else add(instance.runId, { taskId: instance.taskId, state: instance.state });
  }
  if (parents.size > 0)
    for (const parent of await finishMapInstances(trx, parents))
      add(parent.runId, { taskId: parent.taskId, state: parent.state });
  for (const runId of [...byRun.keys()].sort((a, b) => a - b))
    await propagate(trx, await planFor(runId), runId, byRun.get(runId)!, effects);
}

export async function propagate(
  trx: Trx,
  plan: IndexedPlan,
  runId: number,
  finished: readonly FinishedTask[],
  effects: PropagationEffects,
): Promise<void> {
  let wave = finished;
  let finishedCount = 0;
  while (wave.length > 0) {
    finishedCount += wave.length;
    const increments = new Map<string, { success: number; failed: number; skipped: number }>();
    for (const task of wave) {
      const counter = counterOf(task.state);
      if (counter === undefined) continue;
      for (const downstream of planTask(plan, task.taskId).downstream) {
        const entry = increments.get(downstream) ?? { success: 0, failed: 0, skipped: 0 };
        entry[counter] += 1;
        increments.set(downstream, entry);
      }
    }
    wave = increments.size === 0 ? [] : await applyIncrements(trx, plan, runId, increments, effects);
  }
  if (finishedCount > 0) await finishRunIfDone(trx, runId, finishedCount, effects);
}

async function applyIncrements(
  trx: Trx,
  plan: IndexedPlan,
  runId: number,
  increments: ReadonlyMap<string, { success: number; failed: number; skipped: number }>,
  effects: PropagationEffects,
): Promise<FinishedTask[]> {
  // Sorted, so concurrent completions lock shared downstream rows in one order. The
  // `task_id = any(...)` is for the planner: with only the join on task_id it probes the
  // (run_id, task_id, map_index) index by run_id alone and reads the whole run.
  const ids = [...increments.keys()].sort();
  const { rows } = await sql<{
    id: number;
    task_id: string;
    upstream_total: number;
    upstream_success: number;
    upstream_failed: number;
    upstream_skipped: number;
  }>`
    update task_instances t set
      upstream_success = t.upstream_success + v.s, upstream_failed = t.upstream_failed + v.f, upstream_skipped = t.upstream_skipped + v.k
    from unnest(${ids}::text[], ${ids.map((id) => increments.get(id)!.success)}::int[], ${ids.map((id) => increments.get(id)!.failed)}::int[], ${ids.map((id) => increments.get(id)!.skipped)}::int[]) as v(task_id, s, f, k)
    where t.run_id = ${runId} and t.task_id = any(${ids}::text[]) and t.task_id = v.task_id and t.map_index = -1 and t.state = 'none'
    returning t.id, t.task_id, t.upstream_total, t.upstream_success, t.upstream_failed, t.upstream_skipped`.execute(
    trx,
  );
  const toStart: string[] = [];
  const ended: { id: number; taskId: string; state: TaskState }[] = [];
  for (const row of rows) {
    const decision = decideTrigger(planTask(plan, row.task_id).triggerRule, {
      total: row.upstream_total,
      success: row.upstream_success,
      failed: row.upstream_failed,
      skipped: row.upstream_skipped,
    });
    if (decision === 'run') toStart.push(row.task_id);
    else if (decision !== 'wait') ended.push({ id: row.id, taskId: row.task_id, state: decision });
  }
  if (ended.length > 0) {
    await sql`
      update task_instances t set state = v.state, ended_at = now()
      from unnest(${ended.map((e) => e.id)}::bigint[], ${ended.map((e) => e.state)}::text[]) as v(id, state)
      where t.id = v.id`.execute(trx);
  }
  const immediate = await startTasks(trx, plan, runId, toStart, effects);
  return [...ended.map(({ taskId, state }) => ({ taskId, state })), ...immediate];
}

/**
 * Starts tasks whose upstreams are satisfied: queued, or scheduled when in a pool
 * (the pool promotes them), or expanded when mapped. Returns tasks that finished on
 * the spot (a map over an empty list succeeds at once; over a non-list, fails).
 */
export async function startTasks(
  trx: Trx,
  plan: IndexedPlan,
  runId: number,
  taskIds: readonly string[],
  effects: PropagationEffects,
): Promise<FinishedTask[]> {
  if (taskIds.length === 0) return [];
  const mapped = taskIds.filter((id) => planTask(plan, id).mapOver !== undefined);
  const plain = taskIds.filter((id) => planTask(plan, id).mapOver === undefined);
  if (plain.length > 0) {
    const states = plain.map((id) => (planTask(plan, id).pool === undefined ? TaskState.queued : TaskState.scheduled));
    await sql`
      update task_instances t set state = v.state, queued_at = case when v.state = 'queued' then now() else null end
      from unnest(${plain}::text[], ${states}::text[]) as v(task_id, state)
      where t.run_id = ${runId} and t.task_id = any(${plain}::text[]) and t.task_id = v.task_id and t.map_index = -1`.execute(
      trx,
    );
    effects.queued += states.filter((s) => s === TaskState.queued).length;
    for (const id of plain) {
      const pool = planTask(plan, id).pool;
      if (pool !== undefined) effects.pools.add(pool);
    }
  }
  return mapped.length === 0 ? [] : expandMappedTasks(trx, plan, runId, mapped, effects);
}

async function finishRunIfDone(
  trx: Trx,
  runId: number,
  finishedCount: number,
  effects: PropagationEffects,
): Promise<void> {
  const { rows } = await sql<{ tasks_unfinished: number }>`
    update flow_runs set tasks_unfinished = tasks_unfinished - ${finishedCount} where id = ${runId} returning tasks_unfinished`.execute(
    trx,
  );
  if (rows[0] === undefined || rows[0].tasks_unfinished > 0) return;
  await sql`
    update flow_runs set ended_at = now(), state = case when exists (
      select 1 from task_instances where run_id = ${runId} and map_index = -1 and state in ('failed', 'upstream_failed', 'cancelled')
    ) then 'failed' else 'success' end
    where id = ${runId} and state = 'running'`.execute(trx);
  effects.endedRuns.push(runId);
}
