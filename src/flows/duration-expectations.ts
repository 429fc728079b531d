/**
 * Expected durations: from each task's recent successful attempts, the median and a
 * robust spread (median absolute deviation), by input size class where sizes vary.
 * A run's ETA is its remaining critical path under those medians; a running task
 * far past its expectation (beyond median + 4 × spread, and at least twice the
 * median) is flagged overdue. Learned prediction is a later issue: task_attempts
 * keeps what it will need (duration, input bytes, queue wait, worker, outcome).
 */
import { sql } from 'kysely';
import type { FlowPlan } from './flow-plan.js';
import type { Db } from './queue/queue-context.js';
import type { TaskInstanceSummary } from './status-queries.js';
import { isFinished, TaskState } from './task-states.js';

/** Attempts looked at per task. */
const HISTORY = 30;

export interface DurationExpectation {
  readonly taskId: string;
  readonly samples: number;
  readonly medianMs: number;
  readonly spreadMs: number;
}

/** From earlier runs only (`excludeRunId`: the run being judged, whose own map instances would skew it). */
export async function durationExpectations(db: Db, flowId: string, taskIds: readonly string[], excludeRunId = -1): Promise<Map<string, DurationExpectation>> {
  if (taskIds.length === 0) return new Map();
  const { rows } = await sql<{ task_id: string; durations: number[] }>`
    select k.task_id, array(
      select duration_ms from task_attempts a where a.flow_id = ${flowId} and a.task_id = k.task_id and a.outcome = 'success' and a.run_id <> ${excludeRunId}
      order by a.id desc limit ${HISTORY}
    ) as durations
    from unnest(${[...taskIds]}::text[]) as k(task_id)`.execute(db);
  const expectations = new Map<string, DurationExpectation>();
  for (const row of rows) {
    if (row.durations.length === 0) continue;
    const median = medianOf(row.durations);
    expectations.set(row.task_id, { taskId: row.task_id, samples: row.durations.length, medianMs: median, spreadMs: medianOf(row.durations.map((d) => Math.abs(d - median))) });
  }
  return expectations;
}

function medianOf(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function isOverdue(expectation: DurationExpectation | undefined, elapsedMs: number): boolean {
  if (expectation === undefined || expectation.samples < 3) return false;
  return elapsedMs > Math.max(expectation.medianMs + 4 * expectation.spreadMs, 2 * expectation.medianMs, 1_000);
}

/**
 * Milliseconds until the run is expected to finish: the longest chain of unfinished
 * tasks, each counted at its median (a running one at what remains of it). Undefined
 * when some unfinished task has no history.
 */
export function remainingMs(plan: FlowPlan, instances: readonly TaskInstanceSummary[], expectations: ReadonlyMap<string, DurationExpectation>, now: Date): number | undefined {
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
    const elapsed = instance?.state === TaskState.running && instance.startedAt !== null ? now.getTime() - instance.startedAt.getTime() : 0;
    const own = Math.max(0, expected.medianMs - elapsed);
    const start = Math.max(0, ...task.upstream.map((u) => finishAt.get(u) ?? 0));
    finishAt.set(task.id, start + own);
    longest = Math.max(longest, start + own);
  }
  return longest;
}
