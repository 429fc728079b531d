import { describe, expect, it } from 'vitest';
import { isStrataError } from '../../core/index.js';
import { backfillBound, zonedWallTime } from './backfill-range.js';
import { ticksBetween } from './schedule-ticks.js';

const iso = (d: Date) => d.toISOString();

describe('backfillBound', () => {
  it('reads a bare date as the whole day in the time zone', () => {
    expect(iso(backfillBound('2026-01-31', 'from', 'UTC'))).toBe('2026-01-31T00:00:00.000Z');
    expect(iso(backfillBound('2026-01-31', 'to', 'UTC'))).toBe('2026-01-31T23:59:59.999Z');
    expect(iso(backfillBound('2026-01-31', 'from', 'Europe/Paris'))).toBe('2026-01-30T23:00:00.000Z');
    expect(iso(backfillBound('2026-01-31', 'to', 'Europe/Paris'))).toBe('2026-01-31T22:59:59.999Z');
    expect(iso(backfillBound('2026-07-01', 'to', 'America/New_York'))).toBe('2026-07-02T03:59:59.999Z');
  });

  it('includes the last day of a daily 02:00 schedule', () => {
    const schedule = { kind: 'cron', expression: '0 2 * * *', timezone: 'UTC' } as const;
    const ticks = ticksBetween(
      schedule,
      backfillBound('2026-01-01', 'from', 'UTC'),
      backfillBound('2026-01-03', 'to', 'UTC'),
    );
    expect(ticks.map(iso)).toEqual([
      '2026-01-01T02:00:00.000Z',
      '2026-01-02T02:00:00.000Z',
      '2026-01-03T02:00:00.000Z',
    ]);
  });

  it('covers 23 and 25 hour days', () => {
    // Paris springs forward on 2026-03-29 and falls back on 2026-10-25.
    expect(iso(backfillBound('2026-03-29', 'to', 'Europe/Paris'))).toBe('2026-03-29T21:59:59.999Z');
    expect(iso(backfillBound('2026-10-25', 'from', 'Europe/Paris'))).toBe('2026-10-24T22:00:00.000Z');
    expect(iso(backfillBound('2026-10-25', 'to', 'Europe/Paris'))).toBe('2026-10-25T22:59:59.999Z');
  });

  it('reads a time without an offset in the time zone, and keeps an instant', () => {
    expect(iso(backfillBound('2026-01-31T03:00', 'to', 'Europe/Paris'))).toBe('2026-01-31T02:00:00.000Z');
    expect(iso(backfillBound('2026-01-31T03:00:00Z', 'to', 'Europe/Paris'))).toBe('2026-01-31T03:00:00.000Z');
    expect(iso(backfillBound('2026-01-31T03:00:00+01:00', 'from', 'UTC'))).toBe('2026-01-31T02:00:00.000Z');
    const instant = new Date('2026-01-31T05:00:00Z');
    expect(backfillBound(instant, 'to', 'Europe/Paris')).toBe(instant);
  });

  it('refuses what is not a date, naming the option', () => {
    for (const text of ['yesterday', '2026-02-30', '2026-01-31T25:00', '']) {
      let error: unknown;
      try {
        backfillBound(text, 'to', 'UTC');
      } catch (e) {
        error = e;
      }
      expect(isStrataError(error)).toBe(true);
      expect((error as Error).message).toContain(`--to "${text}" is not a date`);
    }
  });
});

describe('zonedWallTime', () => {
  it('maps a skipped time past the jump and a repeated one to its first occurrence', () => {
    expect(iso(zonedWallTime(2026, 3, 29, 2, 30, 0, 0, 'Europe/Paris'))).toBe('2026-03-29T01:30:00.000Z');
    expect(iso(zonedWallTime(2026, 10, 25, 2, 30, 0, 0, 'Europe/Paris'))).toBe('2026-10-25T00:30:00.000Z');
    expect(iso(zonedWallTime(2026, 6, 1, 12, 0, 0, 0, 'Asia/Kolkata'))).toBe('2026-06-01T06:30:00.000Z');
  });
});
