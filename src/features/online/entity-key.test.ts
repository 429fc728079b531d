import { describe, expect, it } from 'vitest';
import { decodeEntityKey, encodeEntityKey } from './entity-key.js';
import { OnlineStoreInvalidError } from './online-errors.js';

describe('entity key encoding', () => {
  it('is stable: sorted by join key name, typed, the same for number and bigint integers', () => {
    expect(encodeEntityKey({ region: 'EU', customer_id: 42 })).toBe('customer_id=i42&region=sEU');
    expect(encodeEntityKey({ customer_id: 42n, region: 'EU' })).toBe('customer_id=i42&region=sEU');
    expect(encodeEntityKey({ id: -0 })).toBe('id=i0');
    expect(encodeEntityKey({ flag: true, at: new Date(5) })).toBe('at=t5&flag=b1');
  });

  it('keeps strings and integers apart and cannot be confused by separators in strings', () => {
    expect(encodeEntityKey({ id: '42' })).not.toBe(encodeEntityKey({ id: 42 }));
    const tricky = { a: 'x&b=sy', b: '%20 é' };
    expect(encodeEntityKey(tricky)).toBe('a=sx%26b%3Dsy&b=s%2520%20%C3%A9');
    expect(decodeEntityKey(encodeEntityKey(tricky))).toEqual(tricky);
    const big = { id: 2n ** 63n - 1n, small: 7, on: false };
    expect(decodeEntityKey(encodeEntityKey(big))).toEqual(big);
  });

  it('refuses what is no key, naming the join key', () => {
    const keys: Array<Record<string, number | Date>> = [
      { id: 1.5 },
      { id: 2 ** 60 },
      { id: NaN },
      { id: new Date(NaN) },
      {},
      { 'bad name': 1 },
    ];
    for (const key of keys) expect(() => encodeEntityKey(key)).toThrow(OnlineStoreInvalidError);
    expect(() => encodeEntityKey({ price: 1.5 })).toThrow(/price/);
  });
});
