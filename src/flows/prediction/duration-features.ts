/**
 * Features of a task for the learned duration predictor. History statistics (mean log
 * duration of the task id, its category, its flow; seconds per input byte of the
 * category) come from other runs only: for a training record its own run is taken out
 * of the sums, so the model learns how much to trust history as it will see it when
 * predicting a new run, not as it looks with the answer mixed in.
 */
import type { DurationQuery, DurationRecord } from './duration-records.js';

export const FEATURE_NAMES = [
  'log_input_bytes',
  'task_mean_log_ms',
  'task_samples',
  'category_mean_log_ms',
  'category_samples',
  'category_mean_log_bytes',
  'category_log_ms_per_byte',
  'flow_mean_log_ms',
  'input_count',
  'parent_count',
  'child_count',
  'log_category_width',
  'cores',
  'speed_mhz',
  'max_parent_log_ms',
  'mean_parent_log_ms',
  'parent_speed',
] as const;

/** Log of milliseconds, floored so zero-length tasks stay finite. */
export const logMs = (ms: number): number => Math.log(Math.max(ms, 1));
const logBytes = (b: number | null): number => (b === null ? NaN : Math.log1p(b));

/** Sums per key and per (key, run), so a run can be left out in O(1). */
class LeaveRunOutMean {
  private readonly total = new Map<string, [number, number]>();
  private readonly perRun = new Map<string, [number, number]>();

  add(key: string, run: string, value: number): void {
    if (!Number.isFinite(value)) return;
    for (const [map, k] of [
      [this.total, key],
      [this.perRun, `${key}\0${run}`],
    ] as const) {
      const s = map.get(k) ?? [0, 0];
      map.set(k, [s[0] + value, s[1] + 1]);
    }
  }

  /** [mean, count] over runs other than `run` (NaN, 0 when none). */
  get(key: string, run: string): [number, number] {
    const [sum, n] = this.total.get(key) ?? [0, 0];
    const [rs, rn] = this.perRun.get(`${key}\0${run}`) ?? [0, 0];
    return n - rn > 0 ? [(sum - rs) / (n - rn), n - rn] : [NaN, 0];
  }
}

export interface FeatureHistory {
  /** The feature row of a query (`run` is left out of the history statistics). */
  row(query: DurationQuery): number[];
  /** Successful samples of the query's category in other runs. */
  categorySamples(query: DurationQuery): number;
}

export function featureHistory(records: readonly DurationRecord[]): FeatureHistory {
  const task = new LeaveRunOutMean();
  const category = new LeaveRunOutMean();
  const categoryBytes = new LeaveRunOutMean();
  const categoryPerByte = new LeaveRunOutMean();
  const flow = new LeaveRunOutMean();
  for (const r of records) {
    if (r.outcome !== 'success') continue;
    const y = logMs(r.durationMs);
    const cat = `${r.flowId}\0${r.category}`;
    task.add(`${r.flowId}\0${r.taskId}`, r.runId, y);
    category.add(cat, r.runId, y);
    flow.add(r.flowId, r.runId, y);
    categoryBytes.add(cat, r.runId, logBytes(r.inputBytes));
    if (r.inputBytes) categoryPerByte.add(cat, r.runId, y - Math.log(r.inputBytes));
  }
  return {
    categorySamples: (q) => category.get(`${q.flowId}\0${q.category}`, q.runId)[1],
    row(q) {
      const cat = `${q.flowId}\0${q.category}`;
      const c = q.context ?? {};
      const parents = (c.parentDurationsMs ?? []).map(logMs);
      const [taskMean, taskN] = task.get(`${q.flowId}\0${q.taskId}`, q.runId);
      const [catMean, catN] = category.get(cat, q.runId);
      return [
        logBytes(q.inputBytes),
        taskMean,
        taskN,
        catMean,
        catN,
        categoryBytes.get(cat, q.runId)[0],
        categoryPerByte.get(cat, q.runId)[0],
        flow.get(q.flowId, q.runId)[0],
        c.inputCount ?? NaN,
        c.parentCount ?? NaN,
        c.childCount ?? NaN,
        c.categoryWidth === undefined ? NaN : Math.log(c.categoryWidth),
        c.cores ?? NaN,
        c.speedMHz ?? NaN,
        parents.length > 0 ? Math.max(...parents) : NaN,
        parents.length > 0 ? parents.reduce((a, b) => a + b, 0) / parents.length : NaN,
        parentSpeed(c.parentCategories ?? [], parents, (k) => category.get(`${q.flowId}\0${k}`, q.runId)[0]),
      ];
    },
  };
}

/**
 * How much slower (log) this run's finished upstream tasks were than their categories'
 * history: a run on a slow machine or with big data shows it in its first tasks.
 */
function parentSpeed(
  categories: readonly string[],
  logParents: readonly number[],
  mean: (c: string) => number,
): number {
  let sum = 0;
  let n = 0;
  categories.forEach((c, i) => {
    const m = mean(c);
    if (Number.isFinite(m)) {
      sum += logParents[i]! - m;
      n++;
    }
  });
  return n > 0 ? sum / n : NaN;
}
