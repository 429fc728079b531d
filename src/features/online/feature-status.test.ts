import { describe, expect, it } from 'vitest';
import { featureReading, isOutsideMaxAge } from './feature-status.js';

describe('feature statuses', () => {
  const row = { eventTime: 100, createdTime: 0, values: { a: 1, n: null } };

  it('keeps the TTL edge inside (event_time >= now - ttl, as offline) and ttl 0 forever', () => {
    expect([isOutsideMaxAge(100, 110, 10), isOutsideMaxAge(99, 110, 10), isOutsideMaxAge(0, 1e15, 0)]).toEqual([
      false,
      true,
      false,
    ]);
  });

  it('decides NOT_FOUND before OUTSIDE_MAX_AGE before NULL_VALUE', () => {
    expect(featureReading(undefined, 'a', 0, 0)).toEqual({ value: null, status: 'NOT_FOUND', eventTime: null });
    expect(featureReading(row, 'b', 1000, 10).status).toBe('NOT_FOUND');
    expect(featureReading(row, 'n', 1000, 10)).toEqual({ value: null, status: 'OUTSIDE_MAX_AGE', eventTime: 100 });
    expect(featureReading(row, 'n', 100, 10).status).toBe('NULL_VALUE');
    expect(featureReading(row, 'a', 50, 10)).toEqual({ value: 1, status: 'PRESENT', eventTime: 100 });
  });
});
