/**
 * Expected durations: from each task's recent successful attempts, the median and a
 * robust spread (median absolute deviation); where the attempts' input sizes vary
 * (at least twofold), also a time per input byte, so a bigger input is expected to
 * take proportionally longer.
 * A run's ETA is its remaining critical path under those medians. A running task is
 * flagged overdue only when it is clearly abnormal, past all of: the expectation plus
 * 4 × spread (a robust ~3σ), twice the 90th percentile of its history (the slow runs it
 * has already had), and the expectation plus 30 s (a short task that takes a few seconds
 * longer than usual is jitter: a busy machine, a cold start, not something to act on).
 * The learned predictor replaces these where it has history (predicted-expectations.ts);
 * this rule stays its fallback and the policy's source of predicted durations.
 */
import { sql } from 'kysely';
import type { FlowPlan } from '../definition/flow-plan.js';
import type { Db } from '../queue/queue-context.js';
import type { TaskInstanceSummary } from '../control/status-queries.js';
import { isFinished, TaskState } from '../queue/task-states.js';

/** Attempts looked at per task. */
const HISTORY = 30;
/** The least a task must exceed its expectation by to be overdue. */
export const OVERDUE_MARGIN_MS = 30_000;

export interface DurationExpectation {
  readonly taskId: string;
  readonly samples: number;
  readonly medianMs: number;
  readonly spreadMs: number;
  /** The 90th percentile of the durations (nearest rank). */
  readonly p90Ms: number;
  /** Median milliseconds per input byte, when input sizes vary enough to tell. */
  readonly msPerByte?: number;
  /** Who answered: this median rule (the default) or the learned predictor (predicted-expectations.ts). */
  readonly source?: 'median-rule' | 'learned';
}

/** The expected duration of an attempt with `inputBytes` of input (the median when its size says nothing). */
export function expectedMs(expectation: DurationExpectation, inputBytes?: number | null): number {
  return expectation.msPerByte !== undefined && inputBytes ? expectation.msPerByte * inputBytes : expectation.medianMs;
}

/** From earlier runs only (`excludeRunId`: the run being judged, whose own map instances would skew it). */
export async function durationExpectations(
  db: Db,
  flowId: string,
  taskIds: readonly string[],
  excludeRunId = -1,
): Promise<Map<string, DurationExpectation>> {
  if (taskIds.length === 0) return new Map();
  const { rows } = await sql<{ task_id: string; samples: { d: number; b: number | null }[] }>`
    select k.task_id, array(
      select json_build_object('d', duration_ms, 'b', input_bytes) from task_attempts a
      where a.flow_id = ${flowId} and a.task_id = k.task_id and a.outcome = 'success' and a.run_id <> ${excludeRunId}
      order by a.id desc limit ${HISTORY}
    ) as samples
    from unnest(${[...taskIds]}::text[]) as k(task_id)`.execute(db);
  const expectations = new Map<string, DurationExpectation>();
  for (const row of rows) {
    if (row.samples.length === 0) continue;
    const durations = row.samples.map((s) => s.d);
    const median = medianOf(durations);
    const sized = row.samples.filter((s) => s.b !== null && s.b > 0) as { d: number; b: number }[];
    const sizes = sized.map((s) => s.b);
    const varies = sized.length >= 3 && Math.max(...sizes) >= 2 * Math.min(...sizes);
    expectations.set(row.task_id, {
      taskId: row.task_id,
      samples: durations.length,
      medianMs: median,
      spreadMs: medianOf(durations.map((d) => Math.abs(d - median))),
      p90Ms: percentileOf(durations, 0.9),
      ...(varies ? { msPerByte: medianOf(sized.map((s) => s.d / s.b)) } : {}),
    });
  }
  return expectations;
}

function medianOf(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Nearest-rank percentile: the smallest value with at least `p` of the values at or below it. */
function percentileOf(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

export function isOverdue(
  expectation: DurationExpectation | undefined,
  elapsedMs: number,
  inputBytes?: number | null,
): boolean {
  if (expectation === undefined || expectation.samples < 3) return false;
  const expected = expectedMs(expectation, inputBytes);
  // Spread and p90 were measured at the median's scale; a bigger input stretches them alike.
  const scale = expected / Math.max(expectation.medianMs, 1e-9);
  const spread = expectation.spreadMs * scale;
  const p90 = Math.max(expectation.p90Ms * scale, expected);
  return elapsedMs > Math.max(expected + 4 * spread, 2 * p90, expected + OVERDUE_MARGIN_MS);
}

/**
 * Milliseconds until the run is expected to finish: the longest chain of unfinished
 * tasks, each counted at its median (a running one at what remains of it). Undefined
 * when some unfinished task has no history.
 */
export function remainingMs(
  plan: FlowPlan,
  instances: readonly TaskInstanceSummary[],
  expectations: ReadonlyMap<string, DurationExpectation>,
  now: Date,
): number | undefined {
  const byTask = new Map(instances.filter((i) => i.mapIndex === -1).map((i) => [i.taskId, i]));
  const finishAt = new Map<string, number>();
  let longest = 0;
  for (const task of plan.tasks) {
    const instance = byTask.get(task.id);
    if (instance !== undefined && isFinished(instance.state)) {
      finishAt.set(task.id, 0);
      continue;
    }
    const expected = expectations.get(task.id);
    if (expected === undefined) return undefined;
    const elapsed =
      instance?.state === TaskState.running && instance.startedAt !== null
        ? now.getTime() - instance.startedAt.getTime()
        : 0;
    const own = Math.max(0, expectedMs(expected, instance?.inputBytes) - elapsed);
    const start = Math.max(0, ...task.upstream.map((u) => finishAt.get(u) ?? 0));
    finishAt.set(task.id, start + own);
    longest = Math.max(longest, start + own);
  }
  return longest;
}
