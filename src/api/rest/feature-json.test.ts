import { describe, expect, it } from 'vitest';
import { eventTimestamps, jsonValue, rfc3339 } from './feature-json.js';

describe('feature JSON', () => {
  it('writes event times as protobuf Timestamp JSON: no, 3 or 6 fractional digits', () => {
    const second = Date.parse('2021-12-31T23:00:00Z') * 1000;
    expect(rfc3339(second)).toBe('2021-12-31T23:00:00Z');
    expect(rfc3339(second + 250_000)).toBe('2021-12-31T23:00:00.250Z');
    expect(rfc3339(second + 125)).toBe('2021-12-31T23:00:00.000125Z');
    expect(rfc3339(0)).toBe('1970-01-01T00:00:00Z');
  });

  it('formats each distinct time once and marks missing ones', () => {
    const cache = new Map<number, string>();
    expect(eventTimestamps([0, null, 0], cache, 'none')).toEqual([
      '1970-01-01T00:00:00Z',
      'none',
      '1970-01-01T00:00:00Z',
    ]);
    expect(cache.size).toBe(1);
  });

  it('keeps 64-bit integers exact and dates as text', () => {
    expect(jsonValue(12n)).toBe(12);
    expect(jsonValue(2n ** 60n)).toBe('1152921504606846976');
    expect(jsonValue(new Date(Date.UTC(2026, 0, 2)))).toBe('2026-01-02T00:00:00Z');
    expect(jsonValue([1n, null, 'x'])).toEqual([1, null, 'x']);
  });
});
