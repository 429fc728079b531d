import { describe, expect, it } from 'vitest';
import { QueryMemoryLimitError, SqlExecutionError } from '../errors.js';
import { MemoryContention } from './memory-contention.js';

const outOfMemory = () => new QueryMemoryLimitError('out of memory', { limit: 'memory' });

/** A promise with its resolve, to hold a query running as long as a test wants. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

describe('MemoryContention', () => {
  it('retries a query that ran out of memory beside another, once the other has finished', async () => {
    const contention = new MemoryContention(60_000);
    const neighbour = gate();
    const order: string[] = [];
    const big = contention.run(async () => {
      await neighbour.promise;
      order.push('neighbour done');
      return 'big';
    });
    let attempts = 0;
    const small = contention.run(async () => {
      attempts++;
      order.push(`small attempt ${attempts}`);
      if (attempts === 1) throw outOfMemory();
      return 'small';
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    // The retry waits for the neighbour that may have held the memory.
    expect(order).toEqual(['small attempt 1']);
    neighbour.open();
    expect(await Promise.all([big, small])).toEqual(['big', 'small']);
    expect(order).toEqual(['small attempt 1', 'neighbour done', 'small attempt 2']);
  });

  it('does not retry a query that ran out of memory alone, nor other failures', async () => {
    const contention = new MemoryContention(60_000);
    let attempts = 0;
    await expect(
      contention.run(async () => {
        attempts++;
        throw outOfMemory();
      }),
    ).rejects.toBeInstanceOf(QueryMemoryLimitError);
    expect(attempts).toBe(1);

    const neighbour = gate();
    const held = contention.run(() => neighbour.promise);
    let other = 0;
    await expect(
      contention.run(async () => {
        other++;
        throw new SqlExecutionError('Binder Error', {});
      }),
    ).rejects.toBeInstanceOf(SqlExecutionError);
    expect(other).toBe(1);
    neighbour.open();
    await held;
  });

  it('retries once: a query that fails again alone gets its memory error', async () => {
    const contention = new MemoryContention(60_000);
    const neighbour = gate();
    const held = contention.run(() => neighbour.promise);
    let attempts = 0;
    const hostile = contention.run(async () => {
      attempts++;
      throw outOfMemory();
    });
    neighbour.open();
    await expect(hostile).rejects.toBeInstanceOf(QueryMemoryLimitError);
    expect(attempts).toBe(2);
    await held;
  });

  it('retries one at a time, and gives up waiting for quiet after its limit', async () => {
    const contention = new MemoryContention(30);
    const stuck = gate();
    const held = contention.run(() => stuck.promise);
    let running = 0;
    let most = 0;
    const retried = Array.from({ length: 3 }, () => {
      let attempts = 0;
      return contention.run(async () => {
        attempts++;
        if (attempts === 1) throw outOfMemory();
        running++;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running--;
        return attempts;
      });
    });
    // The neighbour never finishes, yet the retries run (after the wait limit), one at a time.
    expect(await Promise.all(retried)).toEqual([2, 2, 2]);
    expect(most).toBe(1);
    stuck.open();
    await held;
  });
});
