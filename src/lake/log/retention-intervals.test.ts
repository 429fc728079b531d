import { describe, expect, it } from 'vitest';
import { InvalidTableOperationError } from '../errors.js';
import { RetentionProperty, parseIntervalMs, retentionMs } from './retention-intervals.js';

const HOUR = 3_600_000;

describe('parseIntervalMs', () => {
  it('reads the spellings Delta tables use', () => {
    expect(parseIntervalMs('interval 1 week')).toBe(168 * HOUR);
    expect(parseIntervalMs('interval 7 days')).toBe(168 * HOUR);
    expect(parseIntervalMs('168 hours')).toBe(168 * HOUR);
    expect(parseIntervalMs('INTERVAL 30 DAYS')).toBe(720 * HOUR);
    expect(parseIntervalMs('interval 1 day 12 hours')).toBe(36 * HOUR);
    expect(parseIntervalMs('interval 90 minutes')).toBe(1.5 * HOUR);
    expect(parseIntervalMs('interval 0 seconds')).toBe(0);
    expect(parseIntervalMs('2days')).toBe(48 * HOUR);
  });

  it('rejects what is not a fixed-length interval', () => {
    for (const bad of ['', 'interval', 'interval 1 month', 'interval 2 years', 'a week', '-1 days', '7']) {
      expect(parseIntervalMs(bad), bad).toBeUndefined();
    }
  });
});

describe('retentionMs', () => {
  it('uses the property or its default', () => {
    expect(retentionMs({}, RetentionProperty.deletedFiles)).toBe(168 * HOUR);
    expect(retentionMs({}, RetentionProperty.log)).toBe(720 * HOUR);
    expect(retentionMs({}, RetentionProperty.checkpoint)).toBe(48 * HOUR);
    expect(retentionMs({ 'delta.logRetentionDuration': 'interval 3 days' }, RetentionProperty.log)).toBe(72 * HOUR);
  });

  it('names the property and value it cannot parse', () => {
    const read = () => retentionMs({ 'delta.deletedFileRetentionDuration': 'forever' }, RetentionProperty.deletedFiles);
    expect(read).toThrow(InvalidTableOperationError);
    expect(read).toThrow(/delta\.deletedFileRetentionDuration.*"forever"/);
  });
});
