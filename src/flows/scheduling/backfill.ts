/**
 * Backfills: runs for every logical date of a flow's schedule in a range, with their
 * own limit on runs at once (on top of the flow's), a dry run that only reports,
 * and what to do with dates that already have runs:
 *   missing  only dates without a run (default);
 *   failed   also clear and re-run the dates whose run failed;
 *   all      also clear and re-run every finished run in the range.
 * Runs still in progress are never touched.
 * The range is inclusive: `--to 2026-01-31` covers every tick of that day in the
 * schedule's time zone (backfill-range.ts).
 */
import { sql } from 'kysely';
import { InvalidArgumentError } from '../../core/index.js';
import type { Schedule } from '../definition/schedules.js';
import { ticksBetween } from './schedule-ticks.js';
import { backfillBound } from './backfill-range.js';
import { scheduledRunKey } from './schedule-evaluation.js';
import type { QueueContext } from '../queue/queue-context.js';
import { clearRun, createRun, startWaitingRuns } from '../queue/run-creation.js';
import { flowNotFound } from '../queue/flow-registration.js';
import type { JsonValue } from '../definition/flow-definition.js';

export const ReprocessMode = { missing: 'missing', failed: 'failed', all: 'all' } as const;
export type ReprocessMode = (typeof ReprocessMode)[keyof typeof ReprocessMode];

export interface BackfillOptions {
  /** Inclusive bounds: instants, or text read in the schedule's time zone (a bare date is the whole day; backfill-range.ts). */
  readonly from: Date | string;
  readonly to: Date | string;
  readonly reprocess?: ReprocessMode;
  /** Runs of this backfill at once (default 4). */
  readonly maxActiveRuns?: number;
  readonly dryRun?: boolean;
  readonly params?: Readonly<Record<string, JsonValue>>;
}

export interface BackfillPlan {
  readonly backfillId: number | undefined;
  /** Logical dates that get a new run. */
  readonly create: readonly Date[];
  /** Existing runs cleared to run again, by logical date. */
  readonly rerun: readonly { readonly runId: number; readonly logicalDate: Date; readonly state: string }[];
  /** Dates skipped: their runs are kept (success, or in progress). */
  readonly kept: readonly { readonly runId: number; readonly logicalDate: Date; readonly state: string }[];
}

export async function backfill(ctx: QueueContext, flowId: string, options: BackfillOptions): Promise<BackfillPlan> {
  const reprocess = options.reprocess ?? ReprocessMode.missing;
  if (!(reprocess in ReprocessMode))
    throw new InvalidArgumentError(`Unknown reprocess mode "${reprocess}": use missing, failed or all.`);
  const flow = await ctx.meta.db
    .selectFrom('flow_definitions')
    .select(['schedule', 'start_date', 'first_registered_at'])
    .where('id', '=', flowId)
    .executeTakeFirst();
  if (flow === undefined) throw await flowNotFound(ctx.meta.db, flowId);
  const schedule = flow.schedule as Schedule;
  if (schedule.kind !== 'cron' && schedule.kind !== 'interval') {
    throw new InvalidArgumentError(
      `Flow "${flowId}" has a ${schedule.kind} schedule: a backfill needs a cron or interval schedule to know the logical dates in a range.`,
    );
  }
  const timezone = schedule.kind === 'cron' ? schedule.timezone : 'UTC';
  const from = backfillBound(options.from, 'from', timezone);
  const to = backfillBound(options.to, 'to', timezone);
  if (from > to)
    throw new InvalidArgumentError(
      `The backfill range starts (${from.toISOString()}) after it ends (${to.toISOString()}): --from must not be later than --to.`,
      { from: from.toISOString(), to: to.toISOString() },
    );
  const dates = ticksBetween(schedule, from, to, undefined, flow.start_date ?? flow.first_registered_at);
  const keys = dates.map(scheduledRunKey);
  const { rows: existing } = await sql<{ id: number; run_key: string; state: string; logical_date: Date }>`
    select id, run_key, state, logical_date from flow_runs where flow_id = ${flowId} and run_key = any(${keys}::text[])`.execute(
    ctx.meta.db,
  );
  const byKey = new Map(existing.map((r) => [r.run_key, r]));
  const create = dates.filter((d) => !byKey.has(scheduledRunKey(d)));
  // A cancelled run did not complete: reprocessing failed runs takes it too.
  const rerunnable = (state: string) =>
    (reprocess === 'all' && (state === 'success' || state === 'failed' || state === 'cancelled')) ||
    (reprocess === 'failed' && (state === 'failed' || state === 'cancelled'));
  const rerun = existing
    .filter((r) => rerunnable(r.state))
    .map((r) => ({ runId: r.id, logicalDate: r.logical_date, state: r.state }));
  const kept = existing
    .filter((r) => !rerunnable(r.state))
    .map((r) => ({ runId: r.id, logicalDate: r.logical_date, state: r.state }));
  if (options.dryRun) return { backfillId: undefined, create, rerun, kept };

  const backfillRow = await ctx.meta.db
    .insertInto('flow_backfills')
    .values({
      flow_id: flowId,
      range_start: from,
      range_end: to,
      reprocess,
      max_active_runs: options.maxActiveRuns ?? 4,
      runs: create.length + rerun.length,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const run of rerun) {
    await ctx.meta.transaction(async (trx) => {
      await clearRun(trx, ctx, run.runId);
      await trx
        .updateTable('flow_runs')
        .set({ backfill_id: backfillRow.id, kind: 'backfill' })
        .where('id', '=', run.runId)
        .execute();
    });
  }
  for (const date of create) {
    await createRun(ctx, {
      flowId,
      runKey: scheduledRunKey(date),
      kind: 'backfill',
      params: options.params ?? {},
      logicalDate: date,
      backfillId: backfillRow.id,
      triggeredBy: 'backfill',
    });
  }
  await startWaitingRuns(ctx);
  return { backfillId: backfillRow.id, create, rerun, kept };
}
