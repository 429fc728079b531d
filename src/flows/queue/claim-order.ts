/**
 * The prediction-driven claim order (scheduling/priority-policy.ts) in the real queue.
 * When a run is created, every task instance of it gets the policy's keys as it is
 * inserted: the run's aged remaining predicted work (`sched_run_key`, all of it at
 * arrival) and the task's upward rank on predicted durations (`sched_rank`). The claim query orders by
 * (priority desc, sched_run_key, sched_rank desc, id) over a partial index, so claiming
 * costs what FIFO's does. Map instances inherit their parent's keys; a cleared run gets
 * fresh ones when it starts again. Predictions per flow are reused for a minute. Keys are fixed for the
 * run's life: a run that has progressed keeps the key of its start, and aging, not a
 * shrinking remainder, is what moves it forward (one update per run, not per completion).
 */
import { sql } from 'kysely';
import type { IndexedPlan } from '../definition/flow-plan.js';
import {
  claimOrderKeys,
  PolicyKind,
  upwardRanks,
  type ClaimOrderKeys,
  type PolicyOptions,
} from '../scheduling/priority-policy.js';
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

/** The policy's keys of a plan's tasks for a run arriving at `arrivedAtMs` (undefined under FIFO: nothing to store). */
export async function claimKeysOf(
  db: Db,
  ctx: QueueContext,
  plan: IndexedPlan,
  arrivedAtMs: number,
): Promise<Map<string, ClaimOrderKeys> | undefined> {
  const policy = policyOf(ctx);
  if (policy.kind === PolicyKind.fifo || plan.plan.tasks.length === 0) return undefined;
  const taskIds = plan.plan.tasks.map((t) => t.id);
  const predicted = await cachedPredictions(db, ctx, plan.plan.flowId, taskIds, arrivedAtMs);
  const children = new Map<string, string[]>(taskIds.map((id) => [id, []]));
  for (const task of plan.plan.tasks) for (const up of task.upstream) children.get(up)?.push(task.id);
  const ranks = upwardRanks(
    taskIds.map((id) => ({ id, children: children.get(id)! })),
    (id) => predicted.get(id)!,
  );
  let total = 0;
  for (const ms of predicted.values()) total += ms;
  const run = { arrivedAtMs, remainingPredictedMs: total };
  return new Map(taskIds.map((id) => [id, claimOrderKeys(policy, run, ranks.get(id)!)]));
}

/**
 * Keys for a run's existing task instances (a cleared run starting again: fresh
 * predictions); a new run gets its keys as its instances are inserted (run-creation.ts).
 */
export async function assignClaimKeys(db: Db, ctx: QueueContext, plan: IndexedPlan, runId: number): Promise<void> {
  const run = await db.selectFrom('flow_runs').select('created_at').where('id', '=', runId).executeTakeFirstOrThrow();
  const keys = await claimKeysOf(db, ctx, plan, run.created_at.getTime());
  if (keys === undefined) return;
  const taskIds = [...keys.keys()];
  await sql`
    update task_instances t set sched_run_key = v.run_key, sched_rank = v.rank
    from unnest(${taskIds}::text[], ${taskIds.map((id) => keys.get(id)!.runKey)}::float8[], ${taskIds.map((id) => keys.get(id)!.rank)}::float8[])
      as v(task_id, run_key, rank)
    where t.run_id = ${runId} and t.task_id = v.task_id and t.map_index = -1`.execute(db);
}

/** How long a flow's predicted durations are reused for new runs before they are read again. */
export const PREDICTIONS_TTL_MS = 60_000;
/**
 * Per plan cache (so per FlowSystem), then per flow: reading ten thousand tasks' history
 * for every run of a wide flow would cost more than the order gains (claim_overhead_ratio).
 */
const predictionCache = new WeakMap<object, Map<string, { atMs: number; durations: Map<string, number> }>>();

async function cachedPredictions(
  db: Db,
  ctx: QueueContext,
  flowId: string,
  taskIds: readonly string[],
  nowMs: number,
): Promise<Map<string, number>> {
  let byFlow = predictionCache.get(ctx.plans);
  if (byFlow === undefined) predictionCache.set(ctx.plans, (byFlow = new Map()));
  const held = byFlow.get(flowId);
  if (held !== undefined && nowMs - held.atMs < PREDICTIONS_TTL_MS && taskIds.every((id) => held.durations.has(id)))
    return held.durations;
  const durations = await predictTaskDurations(db, flowId, taskIds);
  byFlow.set(flowId, { atMs: nowMs, durations });
  return durations;
}
