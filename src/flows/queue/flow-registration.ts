/**
 * Registering flows: the scheduler stores each loaded definition's plan (one row per
 * version) and its schedule settings, so workers, the CLI and other schedulers
 * work from the database alone. A flow that changed schedule has its next tick
 * recomputed; pausing is kept across reloads.
 */
import { sql } from 'kysely';
import type { FlowDefinition } from '../definition/flow-definition.js';
import { hashPlan, indexPlan, planOf, type IndexedPlan } from '../definition/flow-plan.js';
import { FlowNotFoundError } from '../errors.js';
import { promotePools } from './pool-promotion.js';
import { newEffects } from './task-propagation.js';
import type { Db, QueueContext } from './queue-context.js';

export async function registerFlow(ctx: QueueContext, flow: FlowDefinition): Promise<IndexedPlan> {
  const plan = planOf(flow);
  const indexed = indexPlan(plan, hashPlan(plan));
  const schedule = JSON.stringify(flow.schedule);
  await ctx.meta.transaction(async (trx) => {
    await trx
      .insertInto('flow_versions')
      .values({ flow_id: flow.id, version_hash: indexed.hash, plan: JSON.stringify(plan) })
      .onConflict((oc) => oc.columns(['flow_id', 'version_hash']).doNothing())
      .execute();
    await trx
      .insertInto('flow_definitions')
      .values({
        id: flow.id,
        source_file: flow.sourceFile ?? null,
        version_hash: indexed.hash,
        schedule,
        description: flow.description ?? null,
        max_active_runs: flow.maxActiveRuns,
        catchup: flow.catchup,
        start_date: flow.startDate ?? null,
        next_tick_at: null,
        table_versions: '{}',
      })
      .onConflict((oc) =>
        oc.column('id').doUpdateSet({
          source_file: (eb) => eb.ref('excluded.source_file'),
          version_hash: (eb) => eb.ref('excluded.version_hash'),
          description: (eb) => eb.ref('excluded.description'),
          max_active_runs: (eb) => eb.ref('excluded.max_active_runs'),
          catchup: (eb) => eb.ref('excluded.catchup'),
          start_date: (eb) => eb.ref('excluded.start_date'),
          // A new schedule starts over from its next tick.
          next_tick_at: sql`case when flow_definitions.schedule = excluded.schedule then flow_definitions.next_tick_at else null end`,
          schedule: (eb) => eb.ref('excluded.schedule'),
          updated_at: sql`now()`,
        }),
      )
      .execute();
  });
  ctx.plans.remember(indexed);
  return indexed;
}

export async function setPaused(ctx: QueueContext, flowId: string, paused: boolean): Promise<boolean> {
  const result = await ctx.meta.db
    .updateTable('flow_definitions')
    .set({ paused, updated_at: new Date() })
    .where('id', '=', flowId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Pool slots (a pool not created has DEFAULT_POOL_SLOTS). */
/** Creates or resizes a pool; tasks waiting for its slots are queued at once when it grows. */
export async function setPool(ctx: QueueContext, name: string, slots: number, description?: string): Promise<void> {
  const effects = newEffects();
  await ctx.meta.transaction(async (trx) => {
    await trx
      .insertInto('flow_pools')
      .values({ name, slots, description: description ?? null })
      .onConflict((oc) => oc.column('name').doUpdateSet({ slots, description: description ?? null }))
      .execute();
    effects.pools.add(name);
    await promotePools(trx, effects);
  });
  if (effects.queued > 0) await ctx.notifier.notify();
}

/** The error for a flow id that is not registered, listing the ones that are. */
export async function flowNotFound(db: Db, flowId: string): Promise<FlowNotFoundError> {
  const known = await db.selectFrom('flow_definitions').select('id').orderBy('id').execute();
  return new FlowNotFoundError(
    flowId,
    known.map((k) => k.id),
  );
}
