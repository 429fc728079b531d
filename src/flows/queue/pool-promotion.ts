/**
 * Pools: a named limit on how many tasks (of any flow) run at once. Tasks in a pool
 * wait as `scheduled`; promotion moves the highest-priority ones to `queued` while
 * the pool has free slots (queued and running both hold a slot). The pool's row is
 * locked while promoting, so two promoters never overfill it.
 */
import { sql } from 'kysely';
import type { PropagationEffects, Trx } from './task-propagation.js';

/** Slots of a pool nobody created (`strata flow pool set NAME SLOTS` creates one). */
export const DEFAULT_POOL_SLOTS = 16;

export async function promotePools(trx: Trx, effects: PropagationEffects): Promise<void> {
  for (const pool of [...effects.pools].sort()) {
    await sql`insert into flow_pools (name, slots) values (${pool}, ${DEFAULT_POOL_SLOTS}) on conflict (name) do nothing`.execute(
      trx,
    );
    const { rows } = await sql<{ slots: number }>`select slots from flow_pools where name = ${pool} for update`.execute(
      trx,
    );
    const slots = rows[0]?.slots ?? DEFAULT_POOL_SLOTS;
    const { rows: used } = await sql<{ n: number }>`
      select count(*)::int as n from task_instances where pool = ${pool} and state in ('queued', 'running') and children_total is null`.execute(
      trx,
    );
    const free = slots - (used[0]?.n ?? 0);
    if (free <= 0) continue;
    const { rows: promoted } = await sql<{ id: number }>`
      update task_instances set state = 'queued', queued_at = now()
      where id in (select id from task_instances where state = 'scheduled' and pool = ${pool} order by priority desc, id limit ${free})
      returning id`.execute(trx);
    effects.queued += promoted.length;
  }
  effects.pools.clear();
}
