import { describe, expect, it } from 'vitest';
import { queryRows, withConnection } from '../../duckdb/index.js';
import {
  bucketExpressions,
  interleaveBits,
  interleavedRelation,
  zorderBits,
  zorderedRelation,
  type ZorderColumn,
} from './zorder.js';

describe('interleaveBits', () => {
  it('puts the first column in the most significant bit of each group', () => {
    expect(interleaveBits([1n, 0n], 1)).toBe(0b10n);
    expect(interleaveBits([0n, 1n], 1)).toBe(0b01n);
    expect(interleaveBits([0b11n, 0b00n], 2)).toBe(0b1010n);
    expect(interleaveBits([0b00n, 0b11n], 2)).toBe(0b0101n);
    expect(interleaveBits([0b10n, 0b01n], 2)).toBe(0b1001n);
    // x = 5 (101), y = 3 (011): groups from the top: (1,0) (0,1) (1,1)
    expect(interleaveBits([5n, 3n], 3)).toBe(0b100111n);
    // three columns: bit b of column j at 3b + (2 - j)
    expect(interleaveBits([1n, 2n, 3n], 2)).toBe(0b011101n);
  });

  it('is a bijection on the grid, and the Z curve visits quadrants in order', () => {
    const seen = new Set<bigint>();
    for (let x = 0n; x < 8n; x++) for (let y = 0n; y < 8n; y++) seen.add(interleaveBits([x, y], 3));
    expect(seen.size).toBe(64);
    expect(Math.max(...[...seen].map(Number))).toBe(63);
    // Every point of the lower-left 4x4 quadrant comes before any point outside it.
    const inside: bigint[] = [];
    const outside: bigint[] = [];
    for (let x = 0n; x < 8n; x++)
      for (let y = 0n; y < 8n; y++) (x < 4n && y < 4n ? inside : outside).push(interleaveBits([x, y], 3));
    expect(inside.reduce((a, b) => (a > b ? a : b))).toBeLessThan(outside.reduce((a, b) => (a < b ? a : b)));
  });

  it('uses at most 64 bits whatever the number of columns', () => {
    expect(zorderBits(1)).toBe(16);
    expect(zorderBits(2)).toBe(16);
    expect(zorderBits(5)).toBe(12);
    expect(zorderBits(64)).toBe(1);
    expect(zorderBits(3)).toBe(16);
    expect(() => zorderBits(0)).toThrow(RangeError);
  });
});

describe('Z-values in DuckDB', () => {
  it('interleave exactly as the reference, for 1 to 5 columns', async () => {
    for (let d = 1; d <= 5; d++) {
      const bits = zorderBits(d);
      const cases = Array.from({ length: 40 }, () =>
        Array.from({ length: d }, () => BigInt(Math.floor(Math.random() * 2 ** bits))),
      );
      cases.push(
        Array.from({ length: d }, () => BigInt(2 ** bits - 1)),
        Array.from({ length: d }, () => 0n),
      );
      const names = Array.from({ length: d }, (_, j) => `c${j}`);
      const values = cases.map((row, i) => `(${i}, ${row.map((v) => `${v}::UBIGINT`).join(', ')})`).join(', ');
      const relation = `SELECT * FROM (VALUES ${values}) t(i, ${names.join(', ')})`;
      const rows = await withConnection((c) =>
        queryRows(
          c,
          `SELECT i, CAST(z AS VARCHAR) AS z FROM (${interleavedRelation(relation, names, bits, 'z')}) ORDER BY i`,
        ),
      );
      rows.forEach((row, i) =>
        expect(row.z, `d=${d} values ${cases[i]!.join(',')}`).toBe(interleaveBits(cases[i]!, bits).toString()),
      );
    }
  });

  it('keeps the other columns and drops the buckets', async () => {
    const sql = interleavedRelation('SELECT 1 AS x, 2::UBIGINT AS b0, 3::UBIGINT AS b1', ['b0', 'b1'], 16, 'z');
    const rows = await withConnection((c) => queryRows(c, `SELECT * FROM (${sql})`));
    expect(rows).toEqual([{ x: 1, z: Number(interleaveBits([2n, 3n], 16)) }]);
  });

  const columns: ZorderColumn[] = [
    { name: 'n', type: 'double' },
    { name: 's', type: 'string' },
    { name: 'd', type: 'date' },
    { name: 't', type: 'timestamp' },
    { name: 'x', type: 'long' },
  ];
  const data = `SELECT CASE WHEN range % 50 = 0 THEN NULL ELSE exp(range / 100.0) END AS n,
      CASE WHEN range % 50 = 1 THEN NULL ELSE 'k' || lpad(range::VARCHAR, 5, '0') END AS s,
      DATE '2020-01-01' + (range // 3)::INTEGER AS d, TIMESTAMPTZ '2026-01-01 00:00:00+00' + to_seconds(range * range) AS t,
      (range * 7919) % 1000 AS x
    FROM range(2000)`;

  it('buckets each column in value order over the whole range, nulls first, even when skewed', async () => {
    const bits = 8;
    const rows = await withConnection(async (c) => {
      const buckets = await bucketExpressions(c, data, columns, bits);
      return queryRows(
        c,
        `SELECT ${columns.map((col, j) => `${col.name}, ${buckets[j]} AS b_${col.name}`).join(', ')} FROM (${data})`,
      );
    });
    for (const { name } of columns) {
      const pairs = rows.map((r) => [r[name], Number(r[`b_${name}`])] as const);
      const present = pairs.filter(([v]) => v !== null);
      const key = (v: unknown) => (typeof v === 'number' ? v : String(v));
      const byValue = [...present].sort((a, b) => (key(a[0]) < key(b[0]) ? -1 : key(a[0]) > key(b[0]) ? 1 : 0));
      for (let i = 1; i < byValue.length; i++) expect(byValue[i]![1], name).toBeGreaterThanOrEqual(byValue[i - 1]![1]);
      const lowest = Math.min(...present.map(([, b]) => b));
      expect(
        pairs.filter(([v]) => v === null).every(([, b]) => b <= lowest),
        name,
      ).toBe(true);
      const all = pairs.map(([, b]) => b);
      expect(Math.min(...all), name).toBe(0);
      expect(Math.max(...all), name).toBe(2 ** bits - 1);
      // Spread over the rows: n grows exponentially, yet no bucket holds more than a few % of them.
      const counts = new Map<number, number>();
      for (const [, b] of present) counts.set(b, (counts.get(b) ?? 0) + 1);
      expect(Math.max(...counts.values()), name).toBeLessThan(present.length * 0.05);
    }
  });

  it('adds the Z-value column to every row', async () => {
    const rows = await withConnection(async (c) =>
      queryRows(c, `SELECT * FROM (${await zorderedRelation(c, data, columns.slice(0, 2), 'z')}) LIMIT 1`),
    );
    expect(Object.keys(rows[0]!)).toEqual(['n', 's', 'd', 't', 'x', 'z']);
  });
});
