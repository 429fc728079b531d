import { describe, expect, it } from 'vitest';
import { ResponseCache } from './response-cache.js';

const body = (size: number) => ({ contentType: 'application/json', body: Buffer.alloc(size, 'a') });

describe('ResponseCache', () => {
  it('counts compressed forms in its size and evicts them with their body', () => {
    const cache = new ResponseCache(1000);
    const first = body(200);
    cache.set('"a"', first);
    cache.setEncoded('"a"', 'br', Buffer.alloc(50));
    expect(cache.bytes).toBe(250);
    expect(cache.getEncoded('"a"', 'br')?.length).toBe(50);
    expect(cache.holds('"a"', first)).toBe(true);
    for (const tag of ['"b"', '"c"', '"d"', '"e"']) cache.set(tag, body(200));
    expect(cache.get('"a"')).toBeUndefined();
    expect(cache.getEncoded('"a"', 'br')).toBeUndefined();
    expect(cache.bytes).toBe(800);
  });

  it('ignores a compressed form of a body it does not hold', () => {
    const cache = new ResponseCache(1000);
    cache.setEncoded('"x"', 'gzip', Buffer.alloc(10));
    expect(cache.bytes).toBe(0);
    expect(cache.size).toBe(0);
  });
});
