import { describe, expect, it } from 'vitest';
import { ResultBudget, ResultMeter, valueBytes } from './result-limits.js';

const limits = { maxValueBytes: 100, maxResultBytes: 1_000, resultMemoryBytes: 1_500 };
const rows = (n: number, width: number) => Array.from({ length: n }, () => ['x'.repeat(width)]);

describe('result limits', () => {
  it('refuses a value over the value limit', () => {
    const meter = new ResultMeter(new ResultBudget(limits.resultMemoryBytes), limits, true);
    expect(() => meter.measure(rows(1, 101))).toThrow(expect.objectContaining({ code: 'ENGINE_VALUE_TOO_LARGE' }));
    expect(() => meter.measure([[['x'.repeat(60), 'y'.repeat(60)]]])).toThrow(/value limit|larger than one value/);
  });

  it('refuses a result over the result limit, counting every batch', () => {
    const budget = new ResultBudget(limits.resultMemoryBytes);
    const meter = new ResultMeter(budget, limits, false);
    for (let i = 0; i < 9; i++) meter.measure(rows(1, 100));
    // A streamed result holds one batch at a time, yet its total is what is limited.
    expect(budget.usedBytes).toBe(100);
    expect(() => meter.measure(rows(2, 100))).toThrow(expect.objectContaining({ code: 'API_RESULT_TOO_LARGE' }));
    meter.release();
    expect(budget.usedBytes).toBe(0);
  });

  it('refuses what would pass the server budget over all queries, and frees it on release', () => {
    const budget = new ResultBudget(limits.resultMemoryBytes);
    const first = new ResultMeter(budget, limits, true);
    const second = new ResultMeter(budget, limits, true);
    for (let i = 0; i < 8; i++) first.measure(rows(1, 100));
    for (let i = 0; i < 7; i++) second.measure(rows(1, 100));
    expect(() => second.measure(rows(1, 100))).toThrow(
      expect.objectContaining({
        code: 'API_RESULT_MEMORY_LIMIT',
        details: expect.objectContaining({ retryAfterSeconds: 1 }),
      }),
    );
    first.release();
    second.measure(rows(1, 100));
    expect(budget.usedBytes).toBe(800);
  });

  it('estimates nested values', () => {
    expect(valueBytes(null)).toBe(1);
    expect(valueBytes('abc')).toBe(3);
    // Brackets 2, each item its size and a separator.
    expect(valueBytes(['ab', { k: 'cd' }])).toBe(2 + (2 + 1) + (2 + (2 + 1) + 1));
  });
});
