/**
 * Expectations for a run's ETA, its OVERDUE flags and the console's Gantt from the
 * learned predictor (prediction/duration-models.ts), falling back to today's median rule
 * (duration-expectations.ts) where the model has thin history for a task. A learned
 * expectation keeps the median rule's sample count and its spread, rescaled to the
 * learned median, so the OVERDUE rule (robust spread, p90, margin) is unchanged; the
 * model already used the attempt's input size, so no per-byte rescaling is left to do.
 */
import type { TaskInstanceSummary } from '../control/status-queries.js';
import type { DurationModels } from '../prediction/duration-models.js';
import type { Db } from '../queue/queue-context.js';
import { durationExpectations, type DurationExpectation } from './duration-expectations.js';

export async function predictedExpectations(
  db: Db,
  models: DurationModels,
  flowId: string,
  runId: number,
  instances: readonly TaskInstanceSummary[],
): Promise<Map<string, DurationExpectation>> {
  const taskIds = [...new Set(instances.map((i) => i.taskId))];
  const baseline = await durationExpectations(db, flowId, taskIds, runId);
  if (baseline.size === 0) return baseline;
  const { predictor } = await models.model(db, flowId);
  const representative = new Map<string, TaskInstanceSummary>();
  for (const i of instances) if (!representative.has(i.taskId) || i.mapIndex === -1) representative.set(i.taskId, i);
  const expectations = new Map<string, DurationExpectation>();
  for (const [taskId, median] of baseline) {
    const instance = representative.get(taskId);
    const inputBytes = instance?.inputBytes ?? null;
    const learned = predictor.predict({
      flowId,
      runId: String(runId),
      taskId,
      category: taskId,
      inputBytes: inputBytes === null ? null : Number(inputBytes),
      worker: null,
    });
    if (learned.source !== 'learned' || !Number.isFinite(learned.medianMs)) {
      expectations.set(taskId, median);
      continue;
    }
    const scale = learned.medianMs / Math.max(median.medianMs, 1e-9);
    expectations.set(taskId, {
      taskId,
      samples: median.samples,
      medianMs: learned.medianMs,
      spreadMs: median.spreadMs * scale,
      p90Ms: Math.max(learned.p90Ms, learned.medianMs),
      source: 'learned',
    });
  }
  return expectations;
}
