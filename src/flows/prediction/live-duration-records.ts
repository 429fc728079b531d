/**
 * Strata's own history as duration records (duration-records.ts), the same type a
 * replayed trace gives, so the learned predictor trains on live runs as on traces.
 * A task's category is its task id (a map's instances share it).
 */
import { sql } from 'kysely';
import type { Db } from '../queue/queue-context.js';
import type { DurationRecord } from './duration-records.js';

export async function liveDurationRecords(db: Db, flowId: string, limit: number): Promise<DurationRecord[]> {
  const { rows } = await sql<{
    run_id: number;
    task_id: string;
    attempt: number;
    duration_ms: number;
    input_bytes: number | null;
    worker_id: string | null;
  }>`
    select run_id, task_id, attempt, duration_ms, input_bytes, worker_id from (
      select id, run_id, task_id, attempt, duration_ms, input_bytes, worker_id from task_attempts
      where flow_id = ${flowId} and outcome = 'success' order by id desc limit ${limit}
    ) recent order by id`.execute(db);
  return rows.map((r) => ({
    flowId,
    runId: String(r.run_id),
    taskId: r.task_id,
    category: r.task_id,
    attempt: Number(r.attempt),
    durationMs: Number(r.duration_ms),
    inputBytes: r.input_bytes === null ? null : Number(r.input_bytes),
    worker: r.worker_id,
    outcome: 'success',
  }));
}

/** Successful attempts of a flow so far (what decides whether its model is stale). */
export async function successCount(db: Db, flowId: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from task_attempts where flow_id = ${flowId} and outcome = 'success'`.execute(db);
  return Number(rows[0]?.n ?? 0);
}
