/**
 * The scheduler's periodic queue work, each a single statement or transaction and
 * safe to run from two schedulers at once:
 *   - leases that expired (a worker died or hung) → up_for_retry (retried at once) or
 *     failed when no attempts are left, with a `lost` attempt recorded;
 *   - up_for_retry and deferred instances whose time came → queued (scheduled in a pool);
 *   - heartbeats extend a live worker's leases;
 *   - retention deletes finished runs older than the retention period.
 */
import { sql } from 'kysely';
import { newEffects, propagateFinished } from './task-propagation.js';
import { promotePools } from './pool-promotion.js';
import { inTransaction, type QueueContext } from './queue-context.js';
import { TaskState } from './task-states.js';

interface LostRow {
  id: number;
  run_id: number;
  flow_id: string;
  task_id: string;
  parent_id: number | null;
  state: TaskState;
  attempt: number;
  lease_owner: string | null;
  pool: string | null;
}

/** Returns the task instances whose leases had expired. */
export async function reapExpiredLeases(ctx: QueueContext): Promise<number> {
  let effects = newEffects();
  const lost = await inTransaction(ctx.meta, async (trx) => {
    effects = newEffects(); // a retried transaction starts over
    const { rows } = await sql<LostRow>`
      with expired as (
        select id, lease_owner from task_instances where state = 'running' and children_total is null and lease_expires_at < now()
        order by id for update skip locked
      )
      update task_instances t set
        state = case when t.attempt < t.max_attempts then 'up_for_retry' else 'failed' end,
        next_attempt_at = case when t.attempt < t.max_attempts then now() else null end,
        ended_at = case when t.attempt < t.max_attempts then null else now() end,
        error = jsonb_build_object('reason', 'lost', 'name', 'WorkerLost',
          'message', 'the worker running this attempt (' || coalesce(expired.lease_owner, '?') || ') stopped renewing its lease: it died, hung or lost its connection'),
        lease_owner = null, lease_expires_at = null
      from expired where t.id = expired.id
      returning t.id, t.run_id, t.flow_id, t.task_id, t.parent_id, t.state, t.attempt, expired.lease_owner, t.pool`.execute(
      trx,
    );
    if (rows.length === 0) return rows;
    await sql`
      insert into task_attempts (task_instance_id, run_id, flow_id, task_id, attempt, worker_id, outcome, started_at, ended_at, duration_ms, error)
      select t.id, t.run_id, t.flow_id, t.task_id, t.attempt, v.owner, 'lost', coalesce(t.started_at, now()), now(),
             extract(epoch from now() - coalesce(t.started_at, now())) * 1000, t.error
      from task_instances t join unnest(${rows.map((r) => r.id)}::bigint[], ${rows.map((r) => r.lease_owner)}::text[]) as v(id, owner) on v.id = t.id`.execute(
      trx,
    );
    for (const row of rows) if (row.pool !== null) effects.pools.add(row.pool);
    const failed = rows
      .filter((r) => r.state === TaskState.failed)
      .map((r) => ({ runId: r.run_id, taskId: r.task_id, parentId: r.parent_id, state: r.state }));
    await propagateFinished(
      trx,
      failed,
      async (runId) => {
        const run = await trx
          .selectFrom('flow_runs')
          .select(['flow_id', 'version_hash'])
          .where('id', '=', runId)
          .executeTakeFirstOrThrow();
        return ctx.plans.get(trx, run.flow_id, run.version_hash);
      },
      effects,
    );
    await promotePools(trx, effects);
    return rows;
  });
  if (effects.queued > 0 || lost.some((r) => r.state === TaskState.upForRetry)) await ctx.notifier.notify();
  return lost.length;
}

/** Retries and deferred tasks whose time came go back to the queue. */
export async function promoteDueTasks(ctx: QueueContext): Promise<number> {
  const effects = newEffects();
  const promoted = await ctx.meta.transaction(async (trx) => {
    const { rows } = await sql<{ pool: string | null; state: string }>`
      update task_instances set state = case when pool is null then 'queued' else 'scheduled' end,
        queued_at = case when pool is null then now() else null end, next_attempt_at = null
      where id in (select id from task_instances where state in ('up_for_retry', 'deferred') and next_attempt_at <= now() order by id for update skip locked)
      returning pool, state`.execute(trx);
    for (const row of rows) if (row.pool !== null) effects.pools.add(row.pool);
    effects.queued += rows.filter((r) => r.state === 'queued').length;
    await promotePools(trx, effects);
    return rows.length;
  });
  if (effects.queued > 0) await ctx.notifier.notify();
  return promoted;
}

/** Extends the leases of everything `workerId` holds; returns how many it still holds. */
export async function heartbeat(ctx: QueueContext, workerId: string, leaseMs: number): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    with renewed as (
      update task_instances set lease_expires_at = now() + ${leaseMs} * interval '1 millisecond'
      where lease_owner = ${workerId} and state = 'running' returning 1
    ), worker as (
      update flow_workers set heartbeat_at = now() where id = ${workerId} returning 1
    )
    select (select count(*)::int from renewed) as n, (select count(*) from worker) as w`.execute(ctx.meta.db);
  return rows[0]?.n ?? 0;
}

/** Deletes finished runs (their task instances, attempts, logs cascade) that ended before the cutoff, in batches. */
export async function deleteOldRuns(ctx: QueueContext, endedBefore: Date, batch = 500): Promise<number> {
  let deleted = 0;
  for (;;) {
    const { rows } = await sql<{ id: number }>`
      delete from flow_runs where id in (
        select id from flow_runs where ended_at < ${endedBefore} and state in ('success', 'failed', 'cancelled') order by ended_at limit ${batch}
      ) returning id`.execute(ctx.meta.db);
    deleted += rows.length;
    if (rows.length < batch) return deleted;
  }
}
