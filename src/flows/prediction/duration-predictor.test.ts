import { describe, expect, it } from 'vitest';
import { categoryMedianPredictor, medianRulePredictor } from './duration-predictor.js';
import type { DurationRecord } from './duration-records.js';
import { trainLearnedPredictor } from './learned-predictor.js';
import { leaveRunsOut } from './leave-run-out.js';
import { accuracyOf } from './prediction-accuracy.js';

function record(
  runId: string,
  taskId: string,
  category: string,
  durationMs: number,
  inputBytes: number | null = null,
): DurationRecord {
  return { flowId: 'f', runId, taskId, category, attempt: 1, durationMs, inputBytes, worker: null, outcome: 'success' };
}

describe('duration predictors', () => {
  it('median rule: the task median, scaled by input size when sizes vary twofold', () => {
    const history = [record('1', 't', 'c', 10, 100), record('2', 't', 'c', 20, 200), record('3', 't', 'c', 40, 400)];
    const rule = medianRulePredictor(history);
    expect(rule.predict(record('4', 't', 'c', 0, 1000)).medianMs).toBe(100);
    expect(rule.predict(record('4', 't', 'c', 0, null))).toMatchObject({ medianMs: 20, source: 'task-median' });
    expect(rule.predict(record('4', 'other', 'zzz', 0, null)).source).toBe('flow-median');
  });

  it('median rule: the flow fallback is the median of all its history, not of the last 30 attempts', () => {
    const history = Array.from({ length: 40 }, (_, i) => record(`r${i}`, `t${i}`, `c${i}`, i + 1));
    expect(medianRulePredictor(history).predict(record('new', 'z', 'z', 0))).toMatchObject({
      medianMs: 20.5,
      source: 'flow-median',
    });
  });

  it('per-category median ignores task ids and sizes', () => {
    const history = [record('1', 'a', 'c', 1), record('1', 'b', 'c', 5), record('2', 'a', 'c', 9)];
    expect(categoryMedianPredictor(history).predict(record('3', 'z', 'c', 0, 1e9))).toMatchObject({
      medianMs: 5,
      p90Ms: 9,
      source: 'category-median',
    });
  });

  it('learned: falls back to the median rule when the category has thin history', () => {
    const history = [
      ...Array.from({ length: 30 }, (_, i) => record(`r${i}`, 'x', 'common', 1000 + i)),
      record('r0', 'y', 'rare', 5000),
    ];
    const learned = trainLearnedPredictor(history);
    expect(learned.predict(record('new', 'y', 'rare', 0)).source).toBe('task-median');
    expect(learned.predict(record('new', 'x', 'common', 0)).source).toBe('learned');
  });

  it('learned: picks up a size-driven duration the per-category median cannot see', () => {
    // Durations proportional to input bytes, ×1..×64 across runs.
    const history: DurationRecord[] = [];
    for (let run = 0; run < 12; run++) {
      for (let i = 0; i < 20; i++) {
        const bytes = 1e6 * 2 ** ((run * 7 + i) % 7);
        history.push(record(`r${run}`, `t${i}`, 'scan', bytes / 1000 + 500, bytes));
      }
    }
    const pairsOf = (train: (h: readonly DurationRecord[]) => ReturnType<typeof medianRulePredictor>) =>
      leaveRunsOut(history, 4, train).map((h) => ({ predictedMs: h.predictedMs, actualMs: h.record.durationMs }));
    const learned = accuracyOf(pairsOf((h) => trainLearnedPredictor(h)));
    const baseline = accuracyOf(pairsOf(categoryMedianPredictor));
    expect(learned.wmape).toBeLessThan(0.1);
    expect(baseline.wmape).toBeGreaterThan(0.4);
  });

  it('leave-runs-out never trains on the run it predicts', () => {
    const history = ['a', 'b', 'c', 'd', 'e'].flatMap((run) => [record(run, 't', 'c', 1), record(run, 'u', 'c', 2)]);
    const out = leaveRunsOut(history, 3, (train) => {
      const seen = new Set(train.map((r) => r.runId));
      return { name: 'spy', predict: (q) => ({ medianMs: seen.has(q.runId) ? NaN : 1, p90Ms: 1, source: 'spy' }) };
    });
    expect(out).toHaveLength(10);
    expect(out.every((o) => o.predictedMs === 1)).toBe(true);
  });

  it('accuracy: wMAPE and MdAPE on tasks of at least one second', () => {
    const acc = accuracyOf([
      { predictedMs: 1500, actualMs: 1000 },
      { predictedMs: 3000, actualMs: 4000 },
      { predictedMs: 9999, actualMs: 10 },
    ]);
    expect(acc).toEqual({ tasks: 2, wmape: 1500 / 5000, mdape: (0.5 + 0.25) / 2 });
  });
});
