import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../core/index.js';
import { latestTickAtOrBefore, nextTick, ticksBetween } from './schedule-ticks.js';
import { cron, every, manual, onTableUpdate } from '../definition/schedules.js';

const at = (iso: string): Date => new Date(iso);
const iso = (dates: readonly (Date | undefined)[]): (string | undefined)[] => dates.map((date) => date?.toISOString());

describe('schedule constructors', () => {
  it('build frozen schedules with defaults', () => {
    expect(cron('0 3 * * *')).toEqual({ kind: 'cron', expression: '0 3 * * *', timezone: 'UTC' });
    expect(cron('0 3 * * *', { timezone: 'Europe/Paris' })).toEqual({
      kind: 'cron',
      expression: '0 3 * * *',
      timezone: 'Europe/Paris',
    });
    expect(onTableUpdate('main.orders', 'main.users')).toEqual({
      kind: 'table',
      tables: ['main.orders', 'main.users'],
    });
    expect(manual()).toEqual({ kind: 'manual' });
    expect(Object.isFrozen(cron('* * * * *'))).toBe(true);
  });

  it('read interval strings and objects', () => {
    expect(every('30s')).toEqual({ kind: 'interval', everyMs: 30_000 });
    expect(every('15m')).toEqual({ kind: 'interval', everyMs: 900_000 });
    expect(every('1h')).toEqual({ kind: 'interval', everyMs: 3_600_000 });
    expect(every('1d')).toEqual({ kind: 'interval', everyMs: 86_400_000 });
    expect(every('1h30m')).toEqual({ kind: 'interval', everyMs: 5_400_000 });
    expect(every({ days: 1, hours: 2, minutes: 3, seconds: 4 })).toEqual({ kind: 'interval', everyMs: 93_784_000 });
  });

  it('refuse unreadable interval strings', () => {
    for (const bad of ['', '15', '1m1h', '1w', 'soon', '-5m']) expect(() => every(bad)).toThrow(InvalidArgumentError);
    expect(() => every('1w')).toThrow(/every\("1w"\)/);
  });
});

describe('nextTick', () => {
  it('is strictly after the given instant for cron schedules', () => {
    const daily = cron('0 3 * * *');
    expect(nextTick(daily, at('2026-01-01T03:00:00Z'))?.toISOString()).toBe('2026-01-02T03:00:00.000Z');
    expect(nextTick(daily, at('2026-01-01T02:59:59.999Z'))?.toISOString()).toBe('2026-01-01T03:00:00.000Z');
  });

  it('counts interval ticks from the anchor', () => {
    const anchor = at('2026-01-01T00:10:00Z');
    expect(nextTick(every('1h'), at('2026-01-01T05:00:00Z'), anchor)?.toISOString()).toBe('2026-01-01T05:10:00.000Z');
    expect(nextTick(every('1h'), at('2026-01-01T05:10:00Z'), anchor)?.toISOString()).toBe('2026-01-01T06:10:00.000Z');
    expect(nextTick(every('1h'), at('2025-12-01T00:00:00Z'), anchor)?.toISOString()).toBe('2026-01-01T00:10:00.000Z');
    expect(nextTick(every('1h'), at('2026-01-01T05:00:00Z'))?.toISOString()).toBe('2026-01-01T06:00:00.000Z');
  });

  it('has no ticks for manual and table schedules', () => {
    expect(nextTick(manual(), at('2026-01-01T00:00:00Z'))).toBeUndefined();
    expect(nextTick(onTableUpdate('main.orders'), at('2026-01-01T00:00:00Z'))).toBeUndefined();
  });
});

describe('cron across daylight-saving changes', () => {
  it('Europe/Paris: 02:30 runs once on the spring-forward day (as 03:30 CEST)', () => {
    const ticks = ticksBetween(
      cron('30 2 * * *', { timezone: 'Europe/Paris' }),
      at('2026-03-28T00:00:00Z'),
      at('2026-03-30T23:59:59Z'),
    );
    expect(iso(ticks)).toEqual(['2026-03-28T01:30:00.000Z', '2026-03-29T01:30:00.000Z', '2026-03-30T00:30:00.000Z']);
  });

  it('Europe/Paris: 02:30 runs once on the fall-back day', () => {
    const ticks = ticksBetween(
      cron('30 2 * * *', { timezone: 'Europe/Paris' }),
      at('2026-10-24T00:00:00Z'),
      at('2026-10-26T23:59:59Z'),
    );
    expect(iso(ticks)).toEqual(['2026-10-24T00:30:00.000Z', '2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z']);
  });

  it('America/New_York: 02:30 runs once on the spring-forward day, 01:30 once on the fall-back day', () => {
    const spring = cron('30 2 * * *', { timezone: 'America/New_York' });
    expect(iso(ticksBetween(spring, at('2026-03-07T12:00:00Z'), at('2026-03-09T12:00:00Z')))).toEqual([
      '2026-03-08T07:30:00.000Z',
      '2026-03-09T06:30:00.000Z',
    ]);
    // 01:00-02:00 happens twice on 2026-11-01 (EDT, then EST): only the first 01:30 is a tick.
    const fall = cron('30 1 * * *', { timezone: 'America/New_York' });
    expect(iso(ticksBetween(fall, at('2026-10-31T12:00:00Z'), at('2026-11-02T12:00:00Z')))).toEqual([
      '2026-11-01T05:30:00.000Z',
      '2026-11-02T06:30:00.000Z',
    ]);
  });

  it('an hourly job never repeats an instant in the spring-forward gap', () => {
    const ticks = ticksBetween(
      cron('30 * * * *', { timezone: 'Europe/Paris' }),
      at('2026-03-28T23:00:00Z'),
      at('2026-03-29T03:00:00Z'),
    );
    expect(iso(ticks)).toEqual([
      '2026-03-28T23:30:00.000Z',
      '2026-03-29T00:30:00.000Z',
      '2026-03-29T01:30:00.000Z',
      '2026-03-29T02:30:00.000Z',
    ]);
  });
});

describe('ticksBetween', () => {
  it('includes both ends', () => {
    const ticks = ticksBetween(cron('0 0 * * *'), at('2026-01-01T00:00:00Z'), at('2026-01-03T00:00:00Z'));
    expect(iso(ticks)).toEqual(['2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z', '2026-01-03T00:00:00.000Z']);
    const anchor = at('2026-01-01T00:00:00Z');
    expect(
      iso(ticksBetween(every('6h'), at('2026-01-01T06:00:00Z'), at('2026-01-01T18:00:00Z'), undefined, anchor)),
    ).toEqual(['2026-01-01T06:00:00.000Z', '2026-01-01T12:00:00.000Z', '2026-01-01T18:00:00.000Z']);
  });

  it('starts interval ticks at the anchor, not before', () => {
    const ticks = ticksBetween(
      every('1d'),
      at('2025-12-30T00:00:00Z'),
      at('2026-01-02T12:00:00Z'),
      undefined,
      at('2026-01-01T12:00:00Z'),
    );
    expect(iso(ticks)).toEqual(['2026-01-01T12:00:00.000Z', '2026-01-02T12:00:00.000Z']);
  });

  it('refuses schedules without ticks and ranges over the limit', () => {
    expect(() => ticksBetween(manual(), at('2026-01-01T00:00:00Z'), at('2026-01-02T00:00:00Z'))).toThrow(
      InvalidArgumentError,
    );
    expect(() => ticksBetween(onTableUpdate('t'), at('2026-01-01T00:00:00Z'), at('2026-01-02T00:00:00Z'))).toThrow(
      /no ticks/,
    );
    expect(ticksBetween(cron('0 * * * *'), at('2026-01-01T00:00:00Z'), at('2026-01-01T09:00:00Z'), 10)).toHaveLength(
      10,
    );
    expect(
      ticksBetween(cron('* * * * *', { timezone: 'Etc/UTC' }), at('2026-01-01T00:00:00Z'), at('2026-01-07T22:39:00Z')),
    ).toHaveLength(10_000);
    expect(() => ticksBetween(cron('0 * * * *'), at('2026-01-01T00:00:00Z'), at('2026-01-01T10:00:00Z'), 10)).toThrow(
      /More than 10 ticks/,
    );
    expect(() => ticksBetween(cron('* * * * *'), at('2026-01-01T00:00:00Z'), at('2026-01-31T00:00:00Z'))).toThrow(
      /More than 10000 ticks/,
    );
  });
});

describe('latestTickAtOrBefore', () => {
  it('finds the latest cron tick at or before the instant, not before the anchor', () => {
    const daily = cron('0 3 * * *');
    const anchor = at('2026-01-01T00:00:00Z');
    expect(latestTickAtOrBefore(daily, at('2026-01-05T03:00:00Z'), anchor)?.toISOString()).toBe(
      '2026-01-05T03:00:00.000Z',
    );
    expect(latestTickAtOrBefore(daily, at('2026-01-05T02:59:59.999Z'), anchor)?.toISOString()).toBe(
      '2026-01-04T03:00:00.000Z',
    );
    expect(latestTickAtOrBefore(daily, at('2026-01-01T02:00:00Z'), anchor)).toBeUndefined();
  });

  it('agrees with forward ticks across the fall-back day', () => {
    const job = cron('30 2 * * *', { timezone: 'Europe/Paris' });
    const anchor = at('2026-01-01T00:00:00Z');
    expect(latestTickAtOrBefore(job, at('2026-10-25T01:45:00Z'), anchor)?.toISOString()).toBe(
      '2026-10-25T00:30:00.000Z',
    );
    expect(latestTickAtOrBefore(job, at('2026-03-29T01:30:00Z'), anchor)?.toISOString()).toBe(
      '2026-03-29T01:30:00.000Z',
    );
  });

  it('finds interval ticks from the anchor', () => {
    const anchor = at('2026-01-01T00:05:00Z');
    expect(latestTickAtOrBefore(every('15m'), at('2026-01-01T01:00:00Z'), anchor)?.toISOString()).toBe(
      '2026-01-01T00:50:00.000Z',
    );
    expect(latestTickAtOrBefore(every('15m'), at('2026-01-01T00:05:00Z'), anchor)?.toISOString()).toBe(
      '2026-01-01T00:05:00.000Z',
    );
    expect(latestTickAtOrBefore(every('15m'), at('2026-01-01T00:04:59Z'), anchor)).toBeUndefined();
    expect(latestTickAtOrBefore(manual(), at('2026-01-01T00:04:59Z'), anchor)).toBeUndefined();
  });
});
