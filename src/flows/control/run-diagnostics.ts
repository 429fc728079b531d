/**
 * What a user needs to understand a run that does not move or did not work: whether
 * any worker is alive (a run triggered on `strata serve` alone waits forever), how
 * long a queued task has gone unclaimed, and the error of every failed attempt (kept
 * in task_attempts.error: name, message, the user's stack; bounded when recorded).
 */
import { sql } from 'kysely';
import type { Db } from '../queue/queue-context.js';
import type { AttemptErrorView, TaskView } from './flow-control.js';
import { iso } from './flow-control-views.js';

/** A worker that has not beaten for this long is presumed gone (it beats every lease/3, 10 s by default). */
export const WORKER_LIVENESS_MS = 45_000;
/** A queued task unclaimed for longer than this gets a notice. */
const UNCLAIMED_NOTICE_MS = 3_000;

export const NO_WORKER =
  'no worker is running: start one with `strata worker` (or `strata up`, which runs the scheduler and a worker)';

export async function liveWorkers(db: Db): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from flow_workers
    where stopped_at is null and heartbeat_at > now() - ${WORKER_LIVENESS_MS} * interval '1 millisecond'`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

/** "no worker has claimed this for 12 s" on a queued task that waits longer than a moment. */
export function unclaimedNotice(task: TaskView, queuedAt: Date | null, now: Date, workers: number): string | null {
  if (task.state !== 'queued' || queuedAt === null) return null;
  const waited = now.getTime() - new Date(queuedAt).getTime();
  if (waited < UNCLAIMED_NOTICE_MS) return null;
  return `no worker has claimed this for ${Math.round(waited / 1000)} s${workers === 0 ? ` (${NO_WORKER})` : ''}`;
}

const FAILED_OUTCOMES = ['failed', 'up_for_retry', 'cancelled'];

/** Failed attempts of a run (or of some of its task instances), oldest first, at most `limit`. */
export async function failedAttempts(
  db: Db,
  runId: number,
  options: { instanceIds?: readonly number[]; attempt?: number; limit?: number } = {},
): Promise<AttemptErrorView[]> {
  const { rows } = await sql<{
    task_id: string;
    map_index: number;
    attempt: number;
    outcome: string;
    ended_at: Date;
    error: Record<string, unknown> | null;
  }>`
    select a.task_id, t.map_index, a.attempt, a.outcome, a.ended_at, a.error
    from task_attempts a join task_instances t on t.id = a.task_instance_id
    where a.run_id = ${runId} and a.error is not null and a.outcome = any(${FAILED_OUTCOMES}::text[])
      ${options.instanceIds === undefined ? sql`` : sql`and a.task_instance_id = any(${options.instanceIds}::bigint[])`}
      ${options.attempt === undefined ? sql`` : sql`and a.attempt = ${options.attempt}`}
    order by a.id limit ${options.limit ?? 200}`.execute(db);
  return rows.map((r) => {
    const e = r.error ?? {};
    const text = (key: string) => (typeof e[key] === 'string' ? (e[key] as string) : null);
    return {
      taskId: r.task_id,
      mapIndex: Number(r.map_index),
      attempt: Number(r.attempt),
      outcome: r.outcome,
      endedAt: iso(r.ended_at)!,
      reason: text('reason'),
      name: text('name'),
      message: text('message'),
      stack: text('stack'),
    };
  });
}
