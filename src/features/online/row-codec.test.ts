import { describe, expect, it } from 'vitest';
import { decodeRow, encodeRow, isNewer, rowTimes } from './row-codec.js';

describe('row codec', () => {
  it('stores EVENT|CREATED|JSON with tags for what JSON would blur', () => {
    const stored = encodeRow({
      key: { id: 1 },
      eventTime: -5,
      createdTime: 7,
      values: { n: 1, i: 1n, t: new Date(3), s: '|', f: NaN, b: new Uint8Array([1]) },
    });
    expect(stored).toBe('-5|7|{"n":1,"i":{"i":"1"},"t":{"t":3},"s":"|","f":{"f":"NaN"},"b":{"x":"AQ=="}}');
    expect(rowTimes(stored)).toEqual([-5, 7]);
    expect(decodeRow(stored).values).toEqual({ n: 1, i: 1n, t: new Date(3), s: '|', f: NaN, b: new Uint8Array([1]) });
    expect(decodeRow(encodeRow({ key: { id: 1 }, eventTime: 1, values: {} })).createdTime).toBe(0);
  });

  it('orders rows by event time, then created time; equal is not newer', () => {
    const stored = encodeRow({ key: { id: 1 }, eventTime: 10, createdTime: 5, values: {} });
    expect([isNewer(11, 0, stored), isNewer(10, 6, stored), isNewer(10, 5, stored), isNewer(9, 99, stored)]).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });
});
