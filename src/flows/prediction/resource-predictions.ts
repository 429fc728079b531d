/**
 * Resource prediction: from each task's recent successful attempts that were measured
 * (peak resident memory and CPU time, recorded by the worker: execution/attempt-usage-
 * meter.ts), the median and the 90th percentile of peak memory, the median CPU time,
 * and a memory request with headroom over the p90 — what the Kubernetes executor will
 * ask for a task's pod. Memory peaks are driven by the data a task holds, which recurs
 * run to run far more than its duration does, so a robust quantile of history is the
 * predictor (no model).
 */
import { sql } from 'kysely';
import type { Db } from '../queue/queue-context.js';
import { medianOf, percentileOf } from './duration-predictor.js';

/** Attempts looked at per task. */
const HISTORY = 30;
/** Headroom of the memory request over the p90 peak (a task that peaks above its request is OOM-killed). */
export const MEMORY_HEADROOM = 1.25;

export interface ResourcePrediction {
  readonly taskId: string;
  readonly samples: number;
  readonly medianPeakRssBytes: number;
  readonly p90PeakRssBytes: number;
  readonly medianCpuMs: number;
  /** Memory to request for the task: the p90 peak with headroom. */
  readonly memoryRequestBytes: number;
}

export async function resourcePredictions(
  db: Db,
  flowId: string,
  taskIds: readonly string[],
): Promise<Map<string, ResourcePrediction>> {
  if (taskIds.length === 0) return new Map();
  const { rows } = await sql<{ task_id: string; samples: { m: number; c: number | null }[] }>`
    select k.task_id, array(
      select json_build_object('m', peak_rss_bytes, 'c', cpu_ms) from task_attempts a
      where a.flow_id = ${flowId} and a.task_id = k.task_id and a.outcome = 'success' and a.peak_rss_bytes is not null
      order by a.id desc limit ${HISTORY}
    ) as samples
    from unnest(${[...taskIds]}::text[]) as k(task_id)`.execute(db);
  const predictions = new Map<string, ResourcePrediction>();
  for (const row of rows) {
    if (row.samples.length === 0) continue;
    const peaks = row.samples.map((s) => Number(s.m));
    const cpu = row.samples.filter((s) => s.c !== null).map((s) => Number(s.c));
    const p90 = percentileOf(peaks, 0.9);
    predictions.set(row.task_id, {
      taskId: row.task_id,
      samples: peaks.length,
      medianPeakRssBytes: medianOf(peaks),
      p90PeakRssBytes: p90,
      medianCpuMs: cpu.length === 0 ? NaN : medianOf(cpu),
      memoryRequestBytes: Math.ceil(p90 * MEMORY_HEADROOM),
    });
  }
  return predictions;
}
