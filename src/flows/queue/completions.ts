/**
 * Completing attempts, in batches: one transaction records every finished attempt a
 * worker has gathered (fenced by lease token: a late report from a worker that lost
 * its lease changes nothing and is counted as rejected), writes their attempt
 * history, then moves runs forward (task-propagation.ts) and fills freed pool slots.
 */
import { sql } from 'kysely';
import { retryDelayMs } from '../definition/flow-definition.js';
import type { AttemptUsage, TaskFailure, TaskOutcome } from '../execution/executor.js';
import { planTask } from '../definition/flow-plan.js';
import { isFinished, TaskState } from './task-states.js';
import type { ClaimedTask } from './claims.js';
import { promotePools } from './pool-promotion.js';
import { inTransaction, type QueueContext } from './queue-context.js';
import { newEffects, propagateFinished, type PropagationEffects, type Trx } from './task-propagation.js';

export interface AttemptResult {
  readonly claimed: ClaimedTask;
  readonly outcome: TaskOutcome;
  readonly startedAt: Date;
  readonly endedAt: Date;
  readonly workerId: string;
  /** What the attempt used, when its executor measured it. */
  readonly usage?: AttemptUsage;
}

export interface CompletionReport {
  readonly accepted: number;
  /** Attempts refused by fencing (the lease had moved on). */
  readonly rejected: readonly number[];
  readonly queued: number;
  readonly endedRuns: readonly number[];
}

interface Decided {
  readonly result: AttemptResult;
  readonly state: TaskState;
  readonly output: string | null;
  readonly error: string | null;
  readonly nextAttemptAt: Date | null;
  /** 1 when the attempt does not count (deferred). */
  readonly refund: number;
}

export async function completeAttempts(
  ctx: QueueContext,
  results: readonly AttemptResult[],
): Promise<CompletionReport> {
  if (results.length === 0) return { accepted: 0, rejected: [], queued: 0, endedRuns: [] };
  const decided = results
    .map(decide)
    .sort((a, b) => a.result.claimed.request.taskInstanceId - b.result.claimed.request.taskInstanceId);
  let effects = newEffects();
  const accepted = await inTransaction(ctx.meta, async (trx) => {
    effects = newEffects(); // a retried transaction starts over
    return recordAndPropagate(trx, decided, effects);
  });
  if (effects.queued > 0) await ctx.notifier.notify();
  const acceptedIds = new Set(accepted);
  return {
    accepted: accepted.length,
    rejected: decided.map((d) => d.result.claimed.request.taskInstanceId).filter((id) => !acceptedIds.has(id)),
    queued: effects.queued,
    endedRuns: [...effects.endedRuns],
  };
}

function decide(result: AttemptResult): Decided {
  const { outcome, claimed } = result;
  const base = { result, output: null, error: null, nextAttemptAt: null, refund: 0 };
  switch (outcome.kind) {
    case 'success':
      return { ...base, state: TaskState.success, output: JSON.stringify(outcome.output) };
    case 'skipped':
      return {
        ...base,
        state: TaskState.skipped,
        error: JSON.stringify({ reason: 'skipped', message: outcome.reason }),
      };
    case 'deferred':
      return {
        ...base,
        state: TaskState.deferred,
        nextAttemptAt: new Date(Date.now() + outcome.delayMs),
        refund: 1,
        error: JSON.stringify({ reason: 'deferred', message: outcome.reason }),
      };
    case 'failed': {
      const { attempt, maxAttempts } = claimed.request;
      const error = JSON.stringify(boundedFailure(outcome.failure));
      if (attempt >= maxAttempts) return { ...base, state: TaskState.failed, error };
      const delay = retryDelayMs(planTask(claimed.plan, claimed.request.taskId).retry, attempt);
      return { ...base, state: TaskState.upForRetry, error, nextAttemptAt: new Date(Date.now() + delay) };
    }
  }
}

/** Kept with each attempt; a task that throws a megabyte of message stores its head and says so. */
export const MAX_ERROR_MESSAGE_CHARS = 8_000;
export const MAX_ERROR_STACK_CHARS = 16_000;

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters not kept)`;
}

/** The failure as stored: message and stack bounded, nothing added to what the task threw. */
export function boundedFailure(failure: TaskFailure): TaskFailure {
  return {
    ...failure,
    message: clip(String(failure.message), MAX_ERROR_MESSAGE_CHARS),
    ...(failure.stack === undefined ? {} : { stack: clip(failure.stack, MAX_ERROR_STACK_CHARS) }),
  };
}

async function recordAndPropagate(
  trx: Trx,
  decided: readonly Decided[],
  effects: PropagationEffects,
): Promise<number[]> {
  const accepted = await recordAttempts(trx, decided);
  if (accepted.length === 0) return [];

  for (const d of accepted) {
    const pool = planTask(d.result.claimed.plan, d.result.claimed.request.taskId).pool;
    if (pool !== undefined) effects.pools.add(pool);
  }
  const finished = accepted
    .filter((d) => isFinished(d.state))
    .map(({ result: { claimed }, state }) => ({
      runId: claimed.request.runId,
      taskId: claimed.request.taskId,
      parentId: claimed.parentId,
      state,
    }));
  const plans = new Map(accepted.map((d) => [d.result.claimed.request.runId, d.result.claimed.plan]));
  await propagateFinished(trx, finished, async (runId) => plans.get(runId)!, effects);
  await promotePools(trx, effects);
  return accepted.map((d) => d.result.claimed.request.taskInstanceId);
}

/**
 * One statement: the fenced state update of every attempt, and one task_attempts row
 * per accepted attempt (what duration prediction and predictive scheduling learn
 * from). Returns the accepted attempts.
 */
async function recordAttempts(trx: Trx, decided: readonly Decided[]): Promise<Decided[]> {
  const r = decided.map((d) => d.result);
  const { rows } = await sql<{ id: number }>`
    with v as (
      select * from unnest(
        ${r.map((x) => x.claimed.request.taskInstanceId)}::bigint[], ${r.map((x) => x.claimed.request.leaseToken)}::bigint[],
        ${decided.map((d) => d.state)}::text[], ${decided.map((d) => d.output)}::jsonb[], ${decided.map((d) => d.error)}::jsonb[],
        ${r.map((x) => x.startedAt)}::timestamptz[], ${r.map((x) => x.endedAt)}::timestamptz[],
        ${decided.map((d) => isFinished(d.state))}::boolean[], ${decided.map((d) => d.nextAttemptAt)}::timestamptz[],
        ${decided.map((d) => d.refund)}::int[], ${r.map((x) => x.claimed.inputBytes)}::int[],
        ${r.map((x) => x.claimed.request.runId)}::bigint[], ${r.map((x) => x.claimed.request.flowId)}::text[], ${r.map((x) => x.claimed.request.taskId)}::text[],
        ${r.map((x) => x.claimed.request.attempt)}::int[], ${r.map((x) => x.workerId)}::text[], ${r.map((x) => x.claimed.queuedAt)}::timestamptz[],
        ${r.map((x) => x.endedAt.getTime() - x.startedAt.getTime())}::float8[],
        ${r.map((x) => (x.claimed.queuedAt === null ? null : Math.max(0, x.startedAt.getTime() - x.claimed.queuedAt.getTime())))}::float8[],
        ${r.map((x) => x.usage?.peakRssBytes ?? null)}::bigint[], ${r.map((x) => x.usage?.cpuMs ?? null)}::float8[]
      ) as v(id, token, state, output, error, started_at, ended_at, finished, next_at, refund, input_bytes,
             run_id, flow_id, task_id, attempt, worker_id, queued_at, duration_ms, queue_wait_ms, peak_rss_bytes, cpu_ms)
    ), done as (
      update task_instances t set state = v.state, output = v.output, output_bytes = length(v.output::text), error = v.error,
        started_at = v.started_at, ended_at = case when v.finished then v.ended_at else null end, next_attempt_at = v.next_at,
        attempt = t.attempt - v.refund, input_bytes = v.input_bytes, lease_owner = null, lease_expires_at = null
      from v where t.id = v.id and t.lease_token = v.token and t.state = 'running'
      returning t.id
    ), attempts as (
      insert into task_attempts (task_instance_id, run_id, flow_id, task_id, attempt, worker_id, outcome, queued_at, started_at, ended_at,
                                 duration_ms, queue_wait_ms, input_bytes, output_bytes, error, peak_rss_bytes, cpu_ms)
      select v.id, v.run_id, v.flow_id, v.task_id, v.attempt, v.worker_id, v.state, v.queued_at, v.started_at, v.ended_at,
             v.duration_ms, v.queue_wait_ms, v.input_bytes, length(v.output::text), v.error, v.peak_rss_bytes, v.cpu_ms
      from v join done on done.id = v.id
    )
    select id from done`.execute(trx);
  const acceptedIds = new Set(rows.map((row) => row.id));
  return decided.filter((d) => acceptedIds.has(d.result.claimed.request.taskInstanceId));
}
