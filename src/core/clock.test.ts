import { describe, expect, it } from 'vitest';
import { ManualClock, systemClock } from './clock.js';

describe('ManualClock', () => {
  it('wakes sleepers only when time passes their deadline, earliest first', async () => {
    const clock = new ManualClock(500);
    const woke: string[] = [];
    const late = clock.sleep(200).then(() => woke.push('late'));
    const early = clock.sleep(100).then(() => woke.push('early'));
    clock.advance(99);
    await Promise.resolve();
    expect(woke).toEqual([]);
    clock.advance(150);
    await Promise.all([late, early]);
    expect([woke, clock.now()]).toEqual([['early', 'late'], 749]);
  });

  it('rejects a sleep whose signal aborts', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const sleeping = clock.sleep(1_000, controller.signal);
    controller.abort(new Error('stopped'));
    await expect(sleeping).rejects.toThrow('stopped');
    await expect(clock.sleep(1, controller.signal)).rejects.toThrow('stopped');
  });
});

describe('systemClock', () => {
  it('sleeps and can be aborted', async () => {
    const before = systemClock.now();
    await systemClock.sleep(5);
    expect(systemClock.now()).toBeGreaterThanOrEqual(before);
    const controller = new AbortController();
    const sleeping = systemClock.sleep(60_000, controller.signal);
    controller.abort(new Error('cancelled'));
    await expect(sleeping).rejects.toThrow('cancelled');
  });
});
