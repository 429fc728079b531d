import { describe, expect, it } from 'vitest';
import { Cache } from './cache.js';
import { ManualClock } from './clock.js';

describe('Cache', () => {
  it('evicts the least recently used entry past maxEntries', () => {
    const cache = new Cache<string, number>({ maxEntries: 2 });
    cache.set('a', 1).set('b', 2);
    expect(cache.get('a')).toBe(1); // a is now more recent than b
    cache.set('c', 3);
    expect([cache.get('a'), cache.get('b'), cache.get('c'), cache.size]).toEqual([1, undefined, 3, 2]);
    cache.set('a', 10); // replacing counts as use and keeps the size
    cache.set('d', 4);
    expect([cache.get('a'), cache.get('c'), cache.get('d')]).toEqual([10, undefined, 4]);
  });

  it('hands each entry it drops by itself to onEvict, not those deleted or replaced', () => {
    const clock = new ManualClock(0);
    const dropped: string[] = [];
    const cache = new Cache<string, number>({
      maxEntries: 2,
      ttlMs: 10,
      clock,
      onEvict: (key, value) => dropped.push(`${key}=${value}`),
    });
    cache.set('a', 1).set('b', 2).set('a', 3);
    cache.set('c', 4); // b is the least recently used
    expect(cache.delete('a')).toBe(true);
    clock.advance(10);
    expect(cache.get('c')).toBeUndefined();
    cache.set('d', 5).set('e', 6);
    cache.deleteWhere((key) => key === 'd');
    cache.clear();
    expect(dropped).toEqual(['b=2', 'c=4', 'd=5', 'e=6']);
  });

  it('expires entries after their time to live, per cache or per entry', () => {
    const clock = new ManualClock(1_000);
    const cache = new Cache<string, string>({ maxEntries: 10, ttlMs: 100, clock });
    cache.set('x', 'old').set('long', 'kept', 1_000);
    clock.advance(99);
    expect(cache.get('x')).toBe('old');
    clock.advance(1);
    expect([cache.get('x'), cache.has('x'), cache.get('long')]).toEqual([undefined, false, 'kept']);
    expect(cache.size).toBe(1);
  });

  it('shares one pending computation and forgets a rejected one', async () => {
    const cache = new Cache<string, Promise<number>>({ maxEntries: 10 });
    let calls = 0;
    const slow = () => {
      calls++;
      return new Promise<number>((resolve) => setTimeout(() => resolve(calls), 5));
    };
    const [a, b] = await Promise.all([cache.getOrSet('k', slow), cache.getOrSet('k', slow)]);
    expect([a, b, calls]).toEqual([1, 1, 1]);
    const failing = cache.getOrSet('bad', () => Promise.reject(new Error('boom')));
    await expect(failing).rejects.toThrow('boom');
    expect(cache.has('bad')).toBe(false);
    expect(await cache.getOrSet('bad', () => Promise.resolve(7))).toBe(7);
  });

  it('deletes by key, by predicate and all at once', () => {
    const cache = new Cache<string, number>({ maxEntries: 10 });
    cache.set('t1:a', 1).set('t1:b', 2).set('t2:a', 3);
    cache.deleteWhere((key) => key.startsWith('t1:'));
    expect([cache.size, cache.get('t2:a')]).toEqual([1, 3]);
    expect([cache.delete('t2:a'), cache.delete('t2:a')]).toEqual([true, false]);
    cache.set('z', 1).clear();
    expect(cache.size).toBe(0);
    expect(() => new Cache({ maxEntries: 0 })).toThrow(RangeError);
  });
});
