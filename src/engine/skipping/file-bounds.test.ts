/**
 * What one file says about one column, read directly: stats that are not what they
 * should be (text instead of numbers, nulls, wrong types, blank text) bound nothing,
 * and partition text is only read when it is exactly a value of the column's type.
 */
import { describe, expect, it } from 'vitest';
import type { AddFile } from '../../lake/index.js';
import { FileColumns, fileRecords, fileStats, isUtc, type ColumnRef } from './file-bounds.js';

const add = (stats: string | undefined, partitionValues: Record<string, string | null> = {}): AddFile => ({
  path: 'f.parquet',
  partitionValues,
  size: 1,
  modificationTime: 0,
  dataChange: true,
  ...(stats === undefined ? {} : { stats }),
});
const bounds = (column: ColumnRef, file: AddFile) => new FileColumns(file, {}).bounds(column);

describe('fileStats and fileRecords', () => {
  it.each([
    ['{"numRecords": 5}', 5],
    ['{"numRecords": 0}', 0],
    ['{"numRecords": "5"}', undefined],
    ['{"numRecords": -1}', undefined],
    ['{"numRecords": 1e400}', undefined],
    ['{}', undefined],
    ['null', undefined],
    ['5', undefined],
    ['not json', undefined],
  ])('%s → %s records', (stats, records) => {
    expect(fileRecords(add(stats))).toBe(records);
  });

  it('parses a file once, and reads no stats from non-objects', () => {
    const file = add('{"numRecords": 3}');
    expect(fileStats(file)).toBe(fileStats(file));
    expect(fileStats(add('"text"'))).toBeUndefined();
    expect(fileStats(add(undefined))).toBeUndefined();
  });
});

describe('stats bounds', () => {
  const x: ColumnRef = { name: 'x', type: 'long', path: ['x'] };
  const s: ColumnRef = { name: 's', type: 'string', path: ['s'] };
  const nested: ColumnRef = { name: 'n.x', type: 'long', path: ['n', 'x'] };
  const stats = (min: unknown, max: unknown, nulls: unknown = 0, records = 10) =>
    JSON.stringify({
      numRecords: records,
      minValues: { x: min, s: min, n: min },
      maxValues: { x: max, s: max, n: max },
      nullCount: { x: nulls, s: nulls },
    });

  it('reads numbers, and numbers as text, but not blank text or other types', () => {
    expect(bounds(x, add(stats(1, '7')))).toMatchObject({ lower: { value: 1 }, upper: { value: 7 }, nulls: 'none' });
    expect(bounds(x, add(stats(' ', '')))).toEqual({ nan: false, nulls: 'none' });
    expect(bounds(x, add(stats(true, [3])))).toEqual({ nan: false, nulls: 'none' });
    expect(bounds(x, add(stats(null, null, 10)))).toEqual({ nan: false, nulls: 'all' });
  });

  it('counts NULLs only from a numeric null count', () => {
    expect(bounds(x, add(stats(1, 2, 3))).nulls).toBe('some');
    expect(bounds(x, add(stats(1, 2, '0'))).nulls).toBe('unknown');
    expect(bounds(x, add(stats(1, 2, 12, 10))).nulls).toBe('all');
    expect(bounds(x, add(JSON.stringify({ minValues: { x: 1 }, nullCount: { x: 4 } }))).nulls).toBe('some');
  });

  it('reads strings only from string stats, and nested paths through objects only', () => {
    expect(bounds(s, add(stats(5, 6)))).toEqual({ nan: false, nulls: 'none' });
    expect(bounds(s, add(stats('a', 'b')))).toMatchObject({ lower: { value: 'a' }, upper: { value: 'b' } });
    expect(bounds(s, add(stats('a', '\uFFFD')))).toMatchObject({ upper: { value: '' }, upperIsPrefix: true });
    expect(bounds(nested, add(stats(null, 5)))).toEqual({ nan: false, nulls: 'unknown' });
    expect(bounds(nested, add(stats({ x: 2 }, { x: 3 })))).toMatchObject({ lower: { value: 2 }, upper: { value: 3 } });
  });
});

describe('partition bounds', () => {
  const part = (type: ColumnRef['type']): ColumnRef => ({ name: 'p', type, path: ['p'], partitionKeys: ['p'] });

  it.each([
    ['boolean', 'true', { kind: 'bool', value: true }],
    ['boolean', 'False', { kind: 'bool', value: false }],
    ['boolean', 'xtrue', undefined],
    ['boolean', 'truex', undefined],
    ['binary', '12', undefined],
    ['variant', '12', undefined],
    ['long', '12', { kind: 'num', value: 12 }],
    ['long', 'twelve', undefined],
    ['date', '2026-01-02', { kind: 'time', zone: 'date', value: 20455n * 86_400_000_000n }],
  ] as const)('%s %j → %o', (type, text, value) => {
    const b = bounds(part(type), add(undefined, { p: text }));
    expect(b.lower).toEqual(value ? expect.objectContaining(value) : undefined);
    expect(b.nulls).toBe('none');
  });

  it('reads UTC names only as UTC', () => {
    expect(['UTC', 'etc/utc', 'Etc/GMT', ' Zulu ', 'UCT', 'Universal', 'z'].every(isUtc)).toBe(true);
    expect(['Europe/Vaduz', 'XUTC', 'UTC+1', 'Etc/GMT+1', 'Asia/Kolkata', 'etcutc'].some(isUtc)).toBe(false);
  });
});
