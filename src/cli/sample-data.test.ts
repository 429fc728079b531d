import { describe, expect, it } from 'vitest';
import { sampleFiles } from './sample-data.js';

describe('sampleFiles', () => {
  it('is the same on every call, with the rows it counts and a region per order', () => {
    const files = sampleFiles();
    expect(sampleFiles()).toEqual(files);
    expect(files.map((f) => [f.name, f.rows, f.text.trimEnd().split('\n').length])).toEqual([
      ['customers.csv', 30, 31],
      ['orders-2026-01.csv', 600, 601],
      ['orders-2026-02.jsonl', 400, 400],
    ]);
    const february = files[2]!.text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(new Set(february.map((o) => o.region))).toEqual(new Set(['eu', 'us', 'apac']));
    expect(february.every((o) => typeof o.day === 'string' && o.day.startsWith('2026-02-'))).toBe(true);
  });
});
