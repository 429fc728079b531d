/**
 * Turning schedules into runs, once per scheduler tick. Safe with several schedulers:
 * a scheduled run's key is its logical date (`scheduled:<ISO>`), unique per flow, and
 * a flow's schedule state (next tick, last seen table versions) moves forward by
 * compare-and-set only after its runs exist, so a tick gets exactly one run however
 * many schedulers see it and whenever one of them crashes.
 *
 *   cron / interval: when the next tick is due, a run for it (catchup: for every tick
 *     missed since; otherwise only the latest); the first time a flow is seen, its
 *     first tick is the first one after now (or after startDate with catchup).
 *   table: a run when any watched table has a version newer than the last one seen
 *     (the first sighting is recorded, not run).
 */
import { sql } from 'kysely';
import type { Schedule } from '../definition/schedules.js';
import { latestTickAtOrBefore, nextTick } from './schedule-ticks.js';
import type { TableVersionLookup } from '../execution/asset-events.js';
import type { QueueContext } from '../queue/queue-context.js';
import { createRun } from '../queue/run-creation.js';

interface FlowScheduleRow {
  id: string;
  schedule: Schedule;
  catchup: boolean;
  start_date: Date | null;
  next_tick_at: Date | null;
  table_versions: Record<string, number>;
  first_registered_at: Date;
}

/** Most catch-up runs created for one flow in one tick (the rest follow on later ticks). */
const CATCHUP_BATCH = 500;

export async function evaluateSchedules(
  ctx: QueueContext,
  now: Date,
  tableVersion: TableVersionLookup | undefined,
): Promise<number> {
  const { rows } = await sql<FlowScheduleRow>`
    select id, schedule, catchup, start_date, next_tick_at, table_versions, first_registered_at
    from flow_definitions where not paused and schedule->>'kind' <> 'manual'`.execute(ctx.meta.db);
  let created = 0;
  for (const flow of rows) {
    if (flow.schedule.kind === 'table') created += await evaluateTableSchedule(ctx, flow, tableVersion);
    else created += await evaluateTimeSchedule(ctx, flow, now);
  }
  return created;
}

async function evaluateTimeSchedule(ctx: QueueContext, flow: FlowScheduleRow, now: Date): Promise<number> {
  const anchor = flow.start_date ?? flow.first_registered_at;
  if (flow.next_tick_at === null) {
    const from = flow.catchup ? new Date(anchor.getTime() - 1) : now;
    const first = nextTick(flow.schedule, from, anchor);
    await compareAndSetTick(ctx, flow.id, null, first ?? null);
    return 0;
  }
  if (flow.next_tick_at > now) return 0;
  const due = flow.catchup
    ? dueTicks(flow.schedule, flow.next_tick_at, now, anchor)
    : [latestTickAtOrBefore(flow.schedule, now, anchor) ?? flow.next_tick_at];
  // Runs first, then the tick moves on: a crash in between re-creates nothing (run keys
  // are unique) and loses nothing (the next tick starts from the same due ticks).
  let created = 0;
  for (const tick of due) {
    const run = await createRun(ctx, {
      flowId: flow.id,
      runKey: scheduledRunKey(tick),
      kind: 'scheduled',
      params: {},
      logicalDate: tick,
      triggeredBy: 'schedule',
    });
    if (run.created) created++;
  }
  const next = nextTick(flow.schedule, due.at(-1) ?? flow.next_tick_at, anchor);
  await compareAndSetTick(ctx, flow.id, flow.next_tick_at, next ?? null);
  return created;
}

/** Ticks from `first` up to `now`, at most CATCHUP_BATCH of them (a long outage catches up over several ticks). */
function dueTicks(schedule: Schedule, first: Date, now: Date, anchor: Date): Date[] {
  const ticks: Date[] = [];
  for (
    let tick: Date | undefined = first;
    tick !== undefined && tick <= now && ticks.length < CATCHUP_BATCH;
    tick = nextTick(schedule, tick, anchor)
  )
    ticks.push(tick);
  return ticks;
}

export function scheduledRunKey(logicalDate: Date): string {
  return `scheduled:${logicalDate.toISOString()}`;
}

async function compareAndSetTick(
  ctx: QueueContext,
  flowId: string,
  expected: Date | null,
  next: Date | null,
): Promise<boolean> {
  const { rows } = await sql<{ id: string }>`
    update flow_definitions set next_tick_at = ${next}
    where id = ${flowId} and next_tick_at is not distinct from ${expected} returning id`.execute(ctx.meta.db);
  return rows.length > 0;
}

async function evaluateTableSchedule(
  ctx: QueueContext,
  flow: FlowScheduleRow,
  tableVersion: TableVersionLookup | undefined,
): Promise<number> {
  if (tableVersion === undefined || flow.schedule.kind !== 'table') return 0;
  const seen: Record<string, number> = { ...flow.table_versions };
  const changed: string[] = [];
  for (const table of flow.schedule.tables) {
    const version = await tableVersion(table).catch(() => undefined);
    if (version === undefined) continue;
    if (seen[table] !== undefined && version > seen[table]) changed.push(`${table}@${version}`);
    seen[table] = version;
  }
  if (JSON.stringify(seen) === JSON.stringify(flow.table_versions)) return 0;
  // As for ticks: the run (keyed by the versions seen) before the versions move on.
  const run =
    changed.length === 0
      ? undefined
      : await createRun(ctx, {
          flowId: flow.id,
          runKey: `table:${changed.join(',')}`,
          kind: 'table',
          params: {},
          triggeredBy: `table update: ${changed.join(', ')}`,
        });
  await sql`
    update flow_definitions set table_versions = ${JSON.stringify(seen)}::jsonb
    where id = ${flow.id} and table_versions = ${JSON.stringify(flow.table_versions)}::jsonb`.execute(ctx.meta.db);
  return run?.created ? 1 : 0;
}
