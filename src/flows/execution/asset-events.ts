/**
 * Assets: a task declares the lake tables it reads and writes; when it succeeds, the
 * tables' versions at that moment are recorded for its run, so a run's lineage says
 * which table versions it read and which it produced.
 */
import { sql } from 'kysely';
import { planTask } from '../definition/flow-plan.js';
import type { ClaimedTask } from '../queue/claims.js';
import type { QueueContext } from '../queue/queue-context.js';

/** The current version of a lake table by catalog name; undefined when it does not exist. */
export type TableVersionLookup = (table: string) => Promise<number | undefined>;

export async function recordAssetEvents(
  ctx: QueueContext,
  claimed: ClaimedTask,
  tableVersion: TableVersionLookup | undefined,
): Promise<void> {
  const task = planTask(claimed.plan, claimed.request.taskId);
  const events = [
    ...task.reads.map((t) => ({ table: t, direction: 'read' })),
    ...task.writes.map((t) => ({ table: t, direction: 'write' })),
  ];
  if (events.length === 0) return;
  const versions = await Promise.all(
    events.map(async (e) =>
      tableVersion === undefined ? undefined : await tableVersion(e.table).catch(() => undefined),
    ),
  );
  await sql`
    insert into flow_asset_events (run_id, task_instance_id, table_name, direction, table_version)
    select ${claimed.request.runId}, ${claimed.request.taskInstanceId}, v.t, v.d, v.v
    from unnest(${events.map((e) => e.table)}::text[], ${events.map((e) => e.direction)}::text[], ${versions.map((v) => v ?? null)}::bigint[]) as v(t, d, v)`.execute(
    ctx.meta.db,
  );
}
