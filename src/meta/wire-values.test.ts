import { PGlite } from '@electric-sql/pglite';
import { describe, expect, it } from 'vitest';
import { decodeValue, encodeValue } from './wire-values.js';

/** Through JSON text, as on the socket. */
const roundTrip = (value: unknown): unknown => decodeValue(JSON.parse(JSON.stringify(encodeValue(value))));

describe('metadata proxy values', () => {
  it('round-trips what JSON alone would change', () => {
    const value = {
      at: new Date('2026-01-02T03:04:05.678Z'),
      big: 9007199254740993n,
      bytes: Buffer.from([0, 1, 254, 255]),
      nothing: null,
      missing: undefined,
      numbers: [1, -0.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY],
      nested: { list: [new Date(0), 'text', true], deep: { n: 1n } },
      // json column values that look like the wire's own tags stay what they were
      lookalike: { $date: '2026-01-01' },
      lookalikeObject: { $object: { $bigint: '1' } },
      twoKeys: { $date: 'x', other: 1 },
    };
    const back = roundTrip(value) as typeof value;
    expect(back).toEqual(value);
    expect(back.at).toBeInstanceOf(Date);
    expect(typeof back.big).toBe('bigint');
    expect(Buffer.isBuffer(back.bytes)).toBe(true);
    expect('missing' in back).toBe(true);
    expect(Object.is(back.numbers[2], Number.NaN)).toBe(true);
    expect(back.lookalike).toEqual({ $date: '2026-01-01' });
  });

  it('keeps a Uint8Array view to its own bytes', () => {
    const backing = new Uint8Array([9, 9, 1, 2, 3, 9]);
    expect([...(roundTrip(backing.subarray(2, 5)) as Buffer)]).toEqual([1, 2, 3]);
  });

  it('round-trips the column types the metadata tables use, as PGlite returns them', async () => {
    const pg = await PGlite.create();
    try {
      const { rows } = await pg.query(
        `select now()::timestamptz as ts, '2026-01-01 00:00:00'::timestamp as plain, 42::int8 as i8,
                7::int4 as i4, 1.5::float8 as f8, '\\x00ff'::bytea as b, '{"a": [1, {"$date": "x"}]}'::jsonb as j,
                null::text as n, true as flag, 'text' as t, array[1, 2]::int[] as arr`,
      );
      expect(rows).toHaveLength(1);
      // bytea comes back as a Buffer (what the pg driver gives), a Uint8Array with the same bytes
      const expected = rows.map((row) => ({ ...(row as object), b: Buffer.from((row as { b: Uint8Array }).b) }));
      expect(roundTrip(rows)).toEqual(expected);
    } finally {
      await pg.close();
    }
  });
});
