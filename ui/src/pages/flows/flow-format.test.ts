import { describe, expect, it } from 'vitest';
import { durationText, etaText, scheduleText } from './flow-format';

describe('flow formatting', () => {
  it('writes each kind of schedule', () => {
    expect(scheduleText({ kind: 'manual' })).toBe('manual');
    expect(scheduleText({ kind: 'cron', expression: '0 3 * * *', timezone: 'UTC' })).toBe('cron 0 3 * * *');
    expect(scheduleText({ kind: 'cron', expression: '0 3 * * *', timezone: 'Europe/Paris' })).toBe(
      'cron 0 3 * * * (Europe/Paris)',
    );
    expect(scheduleText({ kind: 'interval', everyMs: 86_400_000 })).toBe('every 1d');
    expect(scheduleText({ kind: 'table', tables: ['main.a', 'main.b'] })).toBe('on update of main.a, main.b');
  });

  it('writes durations at a useful precision', () => {
    expect([durationText(420), durationText(1234), durationText(45_000), durationText(185_000)]).toEqual([
      '420 ms',
      '1.2 s',
      '45 s',
      '3m 05s',
    ]);
    expect(durationText(3 * 86_400_000 + 2 * 3_600_000)).toBe('3d 2h');
    expect([durationText(6 * 3_600_000), durationText(15 * 60_000), durationText(90 * 60_000)]).toEqual([
      '6h',
      '15m',
      '1h 30m',
    ]);
  });

  it('says when a run is past its expected end', () => {
    expect(etaText(90_000)).toBe('in 1m 30s');
    expect(etaText(0)).toBe('any moment (past the expected end)');
  });
});
