/**
 * The duration predictors share one interface, so the ETA, the OVERDUE flag, the
 * scheduling policy and the bench can swap them: today's median rule, the per-category
 * median (the traces README's baseline) and the learned one (learned-predictor.ts).
 */
import type { DurationQuery, DurationRecord } from './duration-records.js';

export interface DurationPrediction {
  readonly medianMs: number;
  readonly p90Ms: number;
  /** Which rule answered (a learned predictor falls back when history is thin). */
  readonly source: string;
}

export interface DurationPredictor {
  readonly name: string;
  predict(query: DurationQuery): DurationPrediction;
}

/** Attempts of a task the median rule looks at (as scheduling/duration-expectations.ts). */
const HISTORY = 30;

export function medianOf(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function percentileOf(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

function groupBy(
  records: readonly DurationRecord[],
  key: (r: DurationRecord) => string,
): Map<string, DurationRecord[]> {
  const groups = new Map<string, DurationRecord[]>();
  for (const r of records) {
    if (r.outcome !== 'success') continue;
    const k = key(r);
    const list = groups.get(k);
    if (list) list.push(r);
    else groups.set(k, [r]);
  }
  return groups;
}

interface MedianStats {
  readonly medianMs: number;
  readonly p90Ms: number;
  readonly msPerByte?: number;
}

/** Today's rule: median of recent successes, scaled by input size when sizes vary at least twofold. */
function medianStats(history: readonly DurationRecord[], limit = HISTORY): MedianStats {
  const recent = history.slice(-limit);
  const durations = recent.map((r) => r.durationMs);
  const sized = recent.filter((r) => r.inputBytes !== null && r.inputBytes > 0);
  const sizes = sized.map((r) => r.inputBytes!);
  const varies = sized.length >= 3 && Math.max(...sizes) >= 2 * Math.min(...sizes);
  return {
    medianMs: medianOf(durations),
    p90Ms: percentileOf(durations, 0.9),
    ...(varies ? { msPerByte: medianOf(sized.map((r) => r.durationMs / r.inputBytes!)) } : {}),
  };
}

function scaled(stats: MedianStats, inputBytes: number | null, source: string): DurationPrediction {
  const expected = stats.msPerByte !== undefined && inputBytes ? stats.msPerByte * inputBytes : stats.medianMs;
  const scale = expected / Math.max(stats.medianMs, 1e-9);
  return { medianMs: expected, p90Ms: Math.max(expected, stats.p90Ms * scale), source };
}

/**
 * Today's median rule keyed as Strata keys it (flow and task id), falling back to the
 * task's category and then to the flow, so it answers every query.
 */
export function medianRulePredictor(records: readonly DurationRecord[]): DurationPredictor {
  const byTask = mapValues(
    groupBy(records, (r) => `${r.flowId}\0${r.taskId}`),
    medianStats,
  );
  const byCategory = mapValues(
    groupBy(records, (r) => `${r.flowId}\0${r.category}`),
    medianStats,
  );
  // The fallbacks look at all history: the 30 most recent attempts of a whole flow say little.
  const byFlow = mapValues(
    groupBy(records, (r) => r.flowId),
    (list) => medianStats(list, Infinity),
  );
  const all = medianStats(
    records.filter((r) => r.outcome === 'success'),
    Infinity,
  );
  return {
    name: 'median-rule',
    predict(q) {
      const task = byTask.get(`${q.flowId}\0${q.taskId}`);
      if (task) return scaled(task, q.inputBytes, 'task-median');
      const category = byCategory.get(`${q.flowId}\0${q.category}`);
      if (category) return scaled(category, q.inputBytes, 'category-median');
      return scaled(byFlow.get(q.flowId) ?? all, null, 'flow-median');
    },
  };
}

/** The README's baseline: the median duration of the task's category in its flow (global median when unseen). */
export function categoryMedianPredictor(records: readonly DurationRecord[]): DurationPredictor {
  const stat = (list: readonly DurationRecord[]) => {
    const d = list.map((r) => r.durationMs);
    return { medianMs: medianOf(d), p90Ms: percentileOf(d, 0.9) };
  };
  const byCategory = mapValues(
    groupBy(records, (r) => `${r.flowId}\0${r.category}`),
    stat,
  );
  const all = stat(records.filter((r) => r.outcome === 'success'));
  return {
    name: 'category-median',
    predict(q) {
      const hit = byCategory.get(`${q.flowId}\0${q.category}`);
      return { ...(hit ?? all), source: hit ? 'category-median' : 'global-median' };
    },
  };
}

function mapValues<K, V, W>(map: ReadonlyMap<K, V>, f: (v: V) => W): Map<K, W> {
  return new Map([...map].map(([k, v]) => [k, f(v)]));
}
