/**
 * Creating and starting runs. A run is created with one task instance per task of
 * its flow's current plan, in one transaction, and is unique per (flow, run key):
 * two schedulers creating the same scheduled run both succeed, and one run exists.
 * Starting respects the flow's max active runs (and a backfill's own limit), under a
 * lock on the flow's row so concurrent starters never exceed it.
 */
import { describeJsonValue, jsonTypePhrase } from '../../core/index.js';
import { sql } from 'kysely';
import { FlowParamsError } from '../errors.js';
import { flowNotFound } from './flow-registration.js';
import type { IndexedPlan } from '../definition/flow-plan.js';
import type { JsonValue } from '../definition/flow-definition.js';
import { RunState, TriggerRule } from './task-states.js';
import type { QueueContext } from './queue-context.js';
import { newEffects, startTasks, type PropagationEffects, type Trx } from './task-propagation.js';
import { promotePools } from './pool-promotion.js';
import { assignClaimKeys, claimKeysOf } from './claim-order.js';
import type { ClaimOrderKeys } from '../scheduling/priority-policy.js';

export type RunKind = 'manual' | 'scheduled' | 'backfill' | 'table';

export interface NewRun {
  readonly flowId: string;
  readonly runKey: string;
  readonly kind: RunKind;
  readonly params: Readonly<Record<string, JsonValue>>;
  readonly logicalDate?: Date;
  readonly backfillId?: number;
  readonly triggeredBy?: string;
}

export interface CreatedRun {
  readonly runId: number;
  /** False when a run with this key existed already (it is returned instead). */
  readonly created: boolean;
  readonly state: RunState;
}

/** Creates the run; starts it now when the flow has a free run slot, else leaves it queued for the scheduler. */
export async function createRun(ctx: QueueContext, run: NewRun): Promise<CreatedRun> {
  const effects = newEffects();
  const created = await ctx.meta.transaction(async (trx) => {
    const flow = await lockFlow(trx, run.flowId);
    // Looked up first, under the flow's lock: an insert that meets the unique key still takes
    // a value from the run id sequence, and a scheduler re-creating the same scheduled run on
    // every tick made run ids jump (1, 2, 7, ...). Ids are consecutive across the warehouse.
    const existing = await existingRun(trx, run);
    if (existing !== undefined) return existing;
    const plan = await ctx.plans.get(trx, run.flowId, flow.version_hash);
    const params = resolveParams(plan, run.params);
    const { rows } = await sql<{ id: number }>`
      insert into flow_runs (flow_id, run_key, version_hash, kind, state, params, logical_date, backfill_id, triggered_by, tasks_total, tasks_unfinished)
      values (${run.flowId}, ${run.runKey}, ${plan.hash}, ${run.kind}, 'queued', ${JSON.stringify(params)}::jsonb, ${run.logicalDate ?? null},
              ${run.backfillId ?? null}, ${run.triggeredBy ?? null}, ${plan.plan.tasks.length}, ${plan.plan.tasks.length})
      on conflict (flow_id, run_key) do nothing returning id`.execute(trx);
    if (rows[0] === undefined) return (await existingRun(trx, run))!;
    const runId = rows[0].id;
    await insertTaskInstances(trx, plan, runId, undefined, await claimKeysOf(trx, ctx, plan, Date.now()));
    const started = await startQueuedRuns(trx, ctx, run.flowId, flow.max_active_runs, effects);
    return { runId, created: true, state: started.includes(runId) ? RunState.running : RunState.queued };
  });
  if (effects.queued > 0) await ctx.notifier.notify();
  return created;
}

async function existingRun(trx: Trx, run: NewRun): Promise<CreatedRun | undefined> {
  const row = await trx
    .selectFrom('flow_runs')
    .select(['id', 'state'])
    .where('flow_id', '=', run.flowId)
    .where('run_key', '=', run.runKey)
    .executeTakeFirst();
  return row === undefined ? undefined : { runId: Number(row.id), created: false, state: row.state };
}

export async function lockFlow(trx: Trx, flowId: string): Promise<{ version_hash: string; max_active_runs: number }> {
  const { rows } = await sql<{ version_hash: string; max_active_runs: number }>`
    select version_hash, max_active_runs from flow_definitions where id = ${flowId} for update`.execute(trx);
  if (rows[0] === undefined) throw await flowNotFound(trx, flowId);
  return rows[0];
}

export async function insertTaskInstances(
  trx: Trx,
  plan: IndexedPlan,
  runId: number,
  only?: readonly string[],
  keys?: ReadonlyMap<string, ClaimOrderKeys>,
): Promise<void> {
  const wanted = only === undefined ? undefined : new Set(only);
  const tasks = wanted === undefined ? plan.plan.tasks : plan.plan.tasks.filter((t) => wanted.has(t.id));
  if (tasks.length === 0) return;
  await sql`
    insert into task_instances (run_id, flow_id, task_id, state, priority, pool, max_attempts, upstream_total, sched_run_key, sched_rank)
    select ${runId}, ${plan.plan.flowId}, v.task_id, 'none', v.priority, v.pool, v.max_attempts, v.upstream_total, v.run_key, v.rank
    from unnest(${tasks.map((t) => t.id)}::text[], ${tasks.map((t) => t.priority)}::int[], ${tasks.map((t) => t.pool ?? null)}::text[],
                ${tasks.map((t) => t.retry.retries + 1)}::int[], ${tasks.map((t) => t.upstream.length)}::int[],
                ${tasks.map((t) => keys?.get(t.id)?.runKey ?? 0)}::float8[], ${tasks.map((t) => keys?.get(t.id)?.rank ?? 0)}::float8[])
         as v(task_id, priority, pool, max_attempts, upstream_total, run_key, rank)`.execute(trx);
}

/**
 * Starts queued runs of a flow (oldest first) while it has free run slots; a
 * backfill's runs also stay within the backfill's own limit. The caller holds the
 * flow's row lock. Returns the started run ids.
 */
export async function startQueuedRuns(
  trx: Trx,
  ctx: QueueContext,
  flowId: string,
  maxActiveRuns: number,
  effects: PropagationEffects,
): Promise<number[]> {
  const { rows: active } = await sql<{ running: number }>`
    select count(*)::int as running from flow_runs where flow_id = ${flowId} and state = 'running'`.execute(trx);
  const free = maxActiveRuns - (active[0]?.running ?? 0);
  if (free <= 0) return [];
  const { rows: candidates } = await sql<{
    id: number;
    version_hash: string;
    backfill_id: number | null;
    backfill_limit: number | null;
    backfill_running: number;
    clear_count: number;
  }>`
    select r.id, r.version_hash, r.clear_count, b.id as backfill_id, b.max_active_runs as backfill_limit, coalesce(br.n, 0) as backfill_running
    from flow_runs r
    left join flow_backfills b on b.id = r.backfill_id
    left join lateral (select count(*)::int as n from flow_runs x where x.backfill_id = b.id and x.state = 'running') br on b.id is not null
    where r.flow_id = ${flowId} and r.state = 'queued' and (b.id is null or br.n < b.max_active_runs)
    order by r.id limit ${free}`.execute(trx);
  const started: number[] = [];
  // Runs started here count against their backfill's limit too.
  const startedPerBackfill = new Map<number, number>();
  for (const candidate of candidates) {
    if (candidate.backfill_id !== null) {
      const running = candidate.backfill_running + (startedPerBackfill.get(candidate.backfill_id) ?? 0);
      if (running >= candidate.backfill_limit!) continue;
      startedPerBackfill.set(candidate.backfill_id, (startedPerBackfill.get(candidate.backfill_id) ?? 0) + 1);
    }
    const plan = await ctx.plans.get(trx, flowId, candidate.version_hash);
    await sql`update flow_runs set state = 'running', started_at = now() where id = ${candidate.id}`.execute(trx);
    const roots = plan.plan.tasks
      .filter((t) => t.upstream.length === 0 || t.triggerRule === TriggerRule.always)
      .map((t) => t.id);
    // Roots never map (a map needs an upstream), so nothing finishes on the spot here.
    // A new run's keys came with its instances; a cleared one's are recomputed now.
    if (candidate.clear_count > 0) await assignClaimKeys(trx, ctx, plan, candidate.id);
    await startTasks(trx, plan, candidate.id, roots, effects);
    started.push(candidate.id);
  }
  await promotePools(trx, effects);
  return started;
}

/** Starts queued runs of every flow that has some (the scheduler's tick). */
export async function startWaitingRuns(ctx: QueueContext): Promise<number> {
  const flows = await ctx.meta.db
    .selectFrom('flow_runs')
    .select('flow_id')
    .distinct()
    .where('state', '=', 'queued')
    .execute();
  let started = 0;
  for (const { flow_id: flowId } of flows) {
    const effects = newEffects();
    started += (
      await ctx.meta.transaction(async (trx) => {
        const flow = await lockFlow(trx, flowId);
        return startQueuedRuns(trx, ctx, flowId, flow.max_active_runs, effects);
      })
    ).length;
    if (effects.queued > 0) await ctx.notifier.notify();
  }
  return started;
}

/**
 * Clears a finished run for reprocessing: every task back to `none` (outputs,
 * errors and map instances dropped; attempts and logs kept as history), tasks that
 * left the flow marked removed, new ones added; the run queued again.
 */
export async function clearRun(trx: Trx, ctx: QueueContext, runId: number): Promise<void> {
  const run = await trx
    .selectFrom('flow_runs')
    .select(['flow_id', 'state'])
    .where('id', '=', runId)
    .forUpdate()
    .executeTakeFirstOrThrow();
  if (run.state === RunState.running || run.state === RunState.queued) return;
  const flow = await trx
    .selectFrom('flow_definitions')
    .select('version_hash')
    .where('id', '=', run.flow_id)
    .executeTakeFirstOrThrow();
  const plan = await ctx.plans.get(trx, run.flow_id, flow.version_hash);
  const taskIds = plan.plan.tasks.map((t) => t.id);
  await sql`delete from task_instances where run_id = ${runId} and map_index >= 0`.execute(trx);
  await sql`
    update task_instances set state = case when task_id = any(${taskIds}::text[]) then 'none' else 'removed' end,
      upstream_success = 0, upstream_failed = 0, upstream_skipped = 0, attempt = 0, output = null, error = null, output_bytes = null,
      children_total = null, children_unfinished = null, queued_at = null, started_at = null, ended_at = case when task_id = any(${taskIds}::text[]) then null else now() end,
      next_attempt_at = null, lease_owner = null, lease_expires_at = null
    where run_id = ${runId}`.execute(trx);
  const present = new Set(
    (await trx.selectFrom('task_instances').select('task_id').where('run_id', '=', runId).execute()).map(
      (p) => p.task_id,
    ),
  );
  const missing = taskIds.filter((id) => !present.has(id));
  await insertTaskInstances(trx, plan, runId, missing);
  await sql`
    update flow_runs set state = 'queued', version_hash = ${plan.hash}, clear_count = clear_count + 1, started_at = null, ended_at = null,
      tasks_total = ${plan.plan.tasks.length}, tasks_unfinished = ${plan.plan.tasks.length}
    where id = ${runId}`.execute(trx);
}

/** The flow's parameter defaults overridden by the run's; unknown names and type changes are refused. */
export function resolveParams(
  plan: IndexedPlan,
  given: Readonly<Record<string, JsonValue>>,
): Record<string, JsonValue> {
  const defaults = plan.plan.params as Record<string, JsonValue>;
  const known = Object.keys(defaults);
  for (const [name, value] of Object.entries(given)) {
    if (!(name in defaults))
      throw new FlowParamsError(
        plan.plan.flowId,
        `has no parameter "${name}" (parameters: ${known.join(', ') || 'none'}).`,
        { name },
      );
    const expected = defaults[name] === null ? undefined : typeof defaults[name];
    if (expected !== undefined && value !== null && typeof value !== expected) {
      throw new FlowParamsError(
        plan.plan.flowId,
        `parameter "${name}" must be ${jsonTypePhrase(defaults[name])} like its default (${JSON.stringify(defaults[name])}), got ${describeJsonValue(value)}.`,
        { name },
      );
    }
  }
  return { ...defaults, ...given };
}
