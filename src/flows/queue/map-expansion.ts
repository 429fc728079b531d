/**
 * Dynamic fan-out: a mapped task becomes one instance per element of its source
 * task's output, known only when that task finished. The original row stays as the
 * parent: `running` while its map instances run, then success (its output the list
 * of their outputs, in order) or failed when any of them failed. Downstreams wait on
 * the parent only.
 */
import { sql } from 'kysely';
import { planTask, type IndexedPlan } from '../definition/flow-plan.js';
import { TaskState } from './task-states.js';
import type { FinishedTask, PropagationEffects, Trx } from './propagation-effects.js';

export async function expandMappedTasks(
  trx: Trx,
  plan: IndexedPlan,
  runId: number,
  taskIds: readonly string[],
  effects: PropagationEffects,
): Promise<FinishedTask[]> {
  const finished: FinishedTask[] = [];
  for (const taskId of taskIds) {
    const task = planTask(plan, taskId);
    const { rows } = await sql<{
      id: number;
      max_attempts: number;
      priority: number;
      sched_run_key: number;
      sched_rank: number;
      output: unknown;
    }>`
      select p.id, p.max_attempts, p.priority, p.sched_run_key, p.sched_rank, s.output from task_instances p
      left join task_instances s on s.run_id = p.run_id and s.task_id = ${task.mapOver!} and s.map_index = -1
      where p.run_id = ${runId} and p.task_id = ${taskId} and p.map_index = -1`.execute(trx);
    const parent = rows[0];
    if (parent === undefined) continue;
    const items = parent.output;
    if (!Array.isArray(items)) {
      const error = {
        reason: 'threw',
        name: 'MapSourceError',
        message: `"${taskId}" maps over the output of "${task.mapOver!}", which is not a list (got ${items === null ? 'null' : typeof items}).`,
      };
      await sql`update task_instances set state = 'failed', ended_at = now(), error = ${JSON.stringify(error)}::jsonb where id = ${parent.id}`.execute(
        trx,
      );
      finished.push({ taskId, state: TaskState.failed });
      continue;
    }
    if (items.length === 0) {
      await sql`update task_instances set state = 'success', started_at = now(), ended_at = now(), output = '[]'::jsonb, children_total = 0, children_unfinished = 0 where id = ${parent.id}`.execute(
        trx,
      );
      finished.push({ taskId, state: TaskState.success });
      continue;
    }
    const state = task.pool === undefined ? TaskState.queued : TaskState.scheduled;
    await sql`
      update task_instances set state = 'running', started_at = now(), children_total = ${items.length}, children_unfinished = ${items.length}
      where id = ${parent.id}`.execute(trx);
    await sql`
      insert into task_instances (run_id, flow_id, task_id, map_index, parent_id, map_item, state, priority, pool, max_attempts, upstream_total, queued_at,
        sched_run_key, sched_rank)
      select ${runId}, ${plan.plan.flowId}, ${taskId}, i - 1, ${parent.id}, item, ${state}, ${parent.priority}, ${task.pool ?? null}, ${parent.max_attempts}, 0,
             case when ${state} = 'queued' then now() else null end, ${parent.sched_run_key}, ${parent.sched_rank}
      from jsonb_array_elements(${JSON.stringify(items)}::jsonb) with ordinality as e(item, i)`.execute(trx);
    if (state === TaskState.queued) effects.queued += items.length;
    else effects.pools.add(task.pool!);
  }
  return finished;
}

/**
 * Map instances finished: count them off their parents; a parent whose instances all
 * finished finishes itself (returned, per run, for propagation).
 */
export async function finishMapInstances(
  trx: Trx,
  parents: ReadonlyMap<number, number>,
): Promise<{ runId: number; taskId: string; state: TaskState }[]> {
  const ids = [...parents.keys()].sort((a, b) => a - b);
  const { rows } = await sql<{ id: number; run_id: number; task_id: string; children_unfinished: number }>`
    update task_instances t set children_unfinished = t.children_unfinished - v.n
    from unnest(${ids}::bigint[], ${ids.map((id) => parents.get(id)!)}::int[]) as v(id, n)
    where t.id = v.id and t.state = 'running'
    returning t.id, t.run_id, t.task_id, t.children_unfinished`.execute(trx);
  const done = rows.filter((r) => r.children_unfinished <= 0);
  const finished: { runId: number; taskId: string; state: TaskState }[] = [];
  for (const parent of done) {
    const { rows: summary } = await sql<{ failed: number; total: number }>`
      with agg as (
        select count(*) filter (where state in ('failed', 'upstream_failed'))::int as failed, count(*)::int as total,
               jsonb_agg(output order by map_index) as outputs
        from task_instances where parent_id = ${parent.id}
      )
      update task_instances p set
        state = case when agg.failed > 0 then 'failed' else 'success' end,
        ended_at = now(),
        output = case when agg.failed > 0 then null else agg.outputs end,
        error = case when agg.failed > 0 then jsonb_build_object('reason', 'threw', 'name', 'MapInstancesFailed',
          'message', agg.failed || ' of ' || agg.total || ' map instances failed') else null end
      from agg where p.id = ${parent.id}
      returning agg.failed, agg.total`.execute(trx);
    finished.push({
      runId: parent.run_id,
      taskId: parent.task_id,
      state: (summary[0]?.failed ?? 0) > 0 ? TaskState.failed : TaskState.success,
    });
  }
  return finished;
}
