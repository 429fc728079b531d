/**
 * Predicted durations of a flow's tasks for the scheduling policy: each task's
 * expectation from its recent successful attempts; a task with no history yet gets
 * the median of the flow's known tasks (or one second when the flow has none), so a
 * new flow is ordered by its longest chain of tasks and a new task is neither first
 * nor last.
 */
import type { Db } from '../queue/queue-context.js';
import { durationExpectations } from './duration-expectations.js';

export const UNKNOWN_TASK_MS = 1000;

export async function predictTaskDurations(
  db: Db,
  flowId: string,
  taskIds: readonly string[],
): Promise<Map<string, number>> {
  const expectations = await durationExpectations(db, flowId, taskIds);
  const known = [...expectations.values()].map((e) => e.medianMs).sort((a, b) => a - b);
  const fallback = known.length === 0 ? UNKNOWN_TASK_MS : known[Math.floor(known.length / 2)]!;
  return new Map(taskIds.map((id) => [id, expectations.get(id)?.medianMs ?? fallback]));
}
