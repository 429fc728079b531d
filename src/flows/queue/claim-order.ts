/**
 * The prediction-driven claim order (scheduling/priority-policy.ts) in the real queue.
 * When a run starts, every task instance of it gets the policy's keys: the run's aged
 * remaining predicted work (`sched_run_key`, all of it at the start) and the task's
 * upward rank on predicted durations (`sched_rank`). The claim query orders by
 * (priority desc, sched_run_key, sched_rank desc, id) over a partial index, so claiming
 * costs what FIFO's does. Map instances inherit their parent's keys; a cleared run gets
 * fresh ones (from fresh predictions) when it starts again. Keys are fixed for the
 * run's life: a run that has progressed keeps the key of its start, and aging, not a
 * shrinking remainder, is what moves it forward (one update per run, not per completion).
 */
import { sql } from 'kysely';
import type { IndexedPlan } from '../definition/flow-plan.js';
import { claimOrderKeys, PolicyKind, upwardRanks, type PolicyOptions } from '../scheduling/priority-policy.js';
import { predictTaskDurations } from '../scheduling/task-duration-predictions.js';
import type { Db, QueueContext } from './queue-context.js';

export const DEFAULT_POLICY: PolicyOptions = { kind: PolicyKind.predicted, agingRate: 1 };

export function policyOf(ctx: QueueContext): PolicyOptions {
  return ctx.policy ?? DEFAULT_POLICY;
}

/** ORDER BY of the claim query's pick for the context's policy (matches a partial index of flows-0002 / flows-0004). */
export function claimOrderBy(ctx: QueueContext): ReturnType<typeof sql.raw> {
  return policyOf(ctx).kind === PolicyKind.fifo
    ? sql.raw('priority desc, id')
    : sql.raw('priority desc, sched_run_key, sched_rank desc, id');
}

/** Stores the policy's keys on a starting run's task instances (nothing to do under FIFO). */
export async function assignClaimKeys(db: Db, ctx: QueueContext, plan: IndexedPlan, runId: number): Promise<void> {
  const policy = policyOf(ctx);
  if (policy.kind === PolicyKind.fifo || plan.plan.tasks.length === 0) return;
  const run = await db.selectFrom('flow_runs').select('created_at').where('id', '=', runId).executeTakeFirstOrThrow();
  const taskIds = plan.plan.tasks.map((t) => t.id);
  const predicted = await predictTaskDurations(db, plan.plan.flowId, taskIds);
  const children = new Map<string, string[]>(taskIds.map((id) => [id, []]));
  for (const task of plan.plan.tasks) for (const up of task.upstream) children.get(up)?.push(task.id);
  const ranks = upwardRanks(
    taskIds.map((id) => ({ id, children: children.get(id)! })),
    (id) => predicted.get(id)!,
  );
  let total = 0;
  for (const ms of predicted.values()) total += ms;
  const { runKey } = claimOrderKeys(policy, { arrivedAtMs: run.created_at.getTime(), remainingPredictedMs: total }, 0);
  await sql`
    update task_instances t set sched_run_key = ${runKey}, sched_rank = v.rank
    from unnest(${taskIds}::text[], ${taskIds.map((id) => ranks.get(id)!)}::float8[]) as v(task_id, rank)
    where t.run_id = ${runId} and t.task_id = v.task_id and t.map_index = -1`.execute(db);
}
