/**
 * The pruner on hand-made files: every predicate kind and type, and the cases where it
 * must keep a file (nulls, truncated strings, millisecond timestamps, NaN, files
 * without stats, OR with a branch it does not understand).
 */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../core/index.js';
import type { AddFile, DataType, Snapshot, StructField } from '../../lake/index.js';
import { pruneFiles } from './file-pruner.js';

interface FileSpec {
  readonly name: string;
  /** Stats as an object, or as JSON text (for numbers JavaScript cannot hold). */
  readonly stats?: Record<string, unknown> | string | null;
  readonly partition?: Record<string, string | null>;
}

const field = (name: string, type: DataType, metadata: Record<string, unknown> = {}): StructField => ({
  name,
  type,
  nullable: true,
  metadata,
});

function table(
  fields: StructField[],
  files: FileSpec[],
  options: { partitionColumns?: string[]; mapping?: 'name' } = {},
): Snapshot {
  const adds: AddFile[] = files.map((f) => ({
    path: `${f.name}.parquet`,
    partitionValues: f.partition ?? {},
    size: 100,
    modificationTime: 0,
    dataChange: true,
    ...(f.stats === null ? {} : { stats: typeof f.stats === 'string' ? f.stats : JSON.stringify(f.stats ?? {}) }),
  }));
  return {
    schema: { type: 'struct', fields },
    partitionColumns: options.partitionColumns ?? [],
    columnMapping: options.mapping ?? 'none',
    files: adds,
  } as unknown as Snapshot;
}

/** Stats for one column per file: [min, max, nullCount] (numRecords 10). */
function statsOf(column: string, min: unknown, max: unknown, nullCount = 0, numRecords = 10) {
  return { numRecords, minValues: { [column]: min }, maxValues: { [column]: max }, nullCount: { [column]: nullCount } };
}

async function kept(snapshot: Snapshot, predicate: string): Promise<string[]> {
  const result = await pruneFiles(snapshot, predicate);
  expect(result.kept.length + result.skipped.length).toBe(snapshot.files.length);
  return result.kept.map((f) => f.path.replace('.parquet', ''));
}

describe('numbers', () => {
  const t = table(
    [field('x', 'long')],
    [
      { name: 'a', stats: statsOf('x', 0, 9) },
      { name: 'b', stats: statsOf('x', 10, 19) },
      { name: 'c', stats: statsOf('x', 20, 20) },
    ],
  );

  it.each([
    ['x = 15', ['b']],
    ['15 = x', ['b']],
    ['x <> 20', ['a', 'b']],
    ['x != 20', ['a', 'b']],
    ['x < 10', ['a']],
    ['10 > x', ['a']],
    ['x <= 10', ['a', 'b']],
    ['x > 19', ['c']],
    ['x >= 19', ['b', 'c']],
    ['x BETWEEN 12 AND 14', ['b']],
    ['x NOT BETWEEN 0 AND 19', ['c']],
    ['x IN (3, 20)', ['a', 'c']],
    ['x NOT IN (20)', ['a', 'b']],
    ['x > 5 AND x < 8', ['a']],
    ['x > 9.5', ['b', 'c']],
    ['x = 9.5', []],
    ['x < -1', []],
    ['x > 1e1', ['b', 'c']],
    ['x = NULL', []],
    ['x IN (NULL, 3)', ['a']],
    ['x NOT IN (NULL, 3)', []],
    ['x = 5 OR x = 25', ['a']],
    ['NOT (x < 10)', ['b', 'c']],
    ['NOT (x = 20)', ['a', 'b']],
    ["x > '15'", ['b', 'c']],
    ["x <= '9.6'", ['a', 'b']],
  ])('%s', async (predicate, expected) => {
    expect(await kept(t, predicate)).toEqual(expected);
  });

  it('compares decimals and integers past 2^53 with room for rounding', async () => {
    const d = table(
      [field('d', 'decimal(10,2)'), field('big', 'long')],
      [
        {
          name: 'a',
          stats:
            '{"numRecords":1,"minValues":{"d":1.1,"big":9007199254740993},"maxValues":{"d":2.25,"big":9007199254740993},"nullCount":{"d":0,"big":0}}',
        },
        {
          name: 'b',
          stats: {
            numRecords: 1,
            minValues: { d: 3, big: 1 },
            maxValues: { d: 4, big: 2 },
            nullCount: { d: 0, big: 0 },
          },
        },
      ],
    );
    expect(await kept(d, 'd = 2.25')).toEqual(['a']);
    expect(await kept(d, 'd > 2.25')).toEqual(['b']);
    expect(await kept(d, 'd < 1.1')).toEqual([]);
    expect(await kept(d, "d >= '3'")).toEqual(['b']);
    expect(await kept(d, "d IN ('2.25', '4')")).toEqual(['a', 'b']);
    expect(await kept(d, 'big = 9007199254740993')).toEqual(['a']);
    expect(await kept(d, 'big = 9007199254740992')).toEqual(['a']);
  });

  it('keeps float files for predicates NaN satisfies (stats never record NaN)', async () => {
    const f = table([field('v', 'double')], [{ name: 'a', stats: statsOf('v', 1.5, 2.5) }]);
    expect(await kept(f, 'v > 10')).toEqual(['a']);
    expect(await kept(f, 'v <> 2')).toEqual(['a']);
    expect(await kept(f, "v = 'NaN'::DOUBLE")).toEqual(['a']);
    expect(await kept(f, 'v < 1')).toEqual([]);
    expect(await kept(f, 'v = 3')).toEqual([]);
    expect(await kept(f, 'v BETWEEN 10 AND 20')).toEqual([]);
    expect(await kept(f, 'v >= 10 AND v < 20')).toEqual([]);
  });

  it('widens float bounds for their shorter decimal text', async () => {
    const f = table([field('v', 'float')], [{ name: 'a', stats: statsOf('v', 0.1, 0.1) }]);
    expect(await kept(f, 'v < 0.1000000001')).toEqual(['a']);
    expect(await kept(f, 'v = 0.2')).toEqual([]);
  });
});

describe('strings', () => {
  const long = 'k'.repeat(32);
  const t = table(
    [field('s', 'string')],
    [
      { name: 'a', stats: statsOf('s', 'apple', 'banana') },
      { name: 'b', stats: statsOf('s', 'cherry', 'date') },
      { name: 'trunc', stats: statsOf('s', long, `${long}\u{10FFFF}`) },
      { name: 'astral', stats: statsOf('s', '\u{1F600}', '\u{1F600}') },
    ],
  );

  it.each([
    ["s = 'banana'", ['a']],
    ["s < 'b'", ['a']],
    ["s >= 'cherry'", ['b', 'trunc', 'astral']],
    ["s IN ('coconut', 'zebra')", ['b']],
    ["s LIKE 'ch%'", ['b']],
    ["s LIKE 'b_n%'", ['a']],
    ["s LIKE 'date'", ['b']],
    ["s LIKE '%e'", ['a', 'b', 'trunc', 'astral']],
    ["starts_with(s, 'ap')", ['a']],
    ["s NOT LIKE 'ch%'", ['a', 'b', 'trunc', 'astral']],
    ["s ILIKE 'CH%'", ['a', 'b', 'trunc', 'astral']],
  ])('%s', async (predicate, expected) => {
    expect(await kept(t, predicate)).toEqual(expected);
  });

  it('treats a truncated max as a bound on its prefix only', async () => {
    // Values may be longer than the 32 characters kept: 'kkk…k' + anything.
    expect(await kept(t, `s = '${long}zzzz'`)).toContain('trunc');
    expect(await kept(t, `s > '${long}\u{10FFFF}\u{10FFFF}'`)).toContain('trunc');
    expect(await kept(t, `s LIKE '${long}%'`)).toContain('trunc');
    expect(await kept(t, "s > 'kl'")).not.toContain('trunc');
    const spark = table([field('s', 'string')], [{ name: 'x', stats: statsOf('s', 'a', `${'m'.repeat(32)}`) }]);
    expect(await kept(spark, `s = '${'m'.repeat(32)}n'`)).toEqual(['x']);
  });

  it('orders by code point, not UTF-16 unit (U+1F600 sorts after U+FFFD)', async () => {
    expect(await kept(t, "s > '\uFFFD'")).toEqual(['astral']);
    expect(await kept(t, "s < '\uFFFD'")).toEqual(['a', 'b', 'trunc']);
  });
});

describe('dates and timestamps', () => {
  const t = table(
    [field('d', 'date'), field('ts', 'timestamp'), field('ntz', 'timestamp_ntz')],
    [
      // Rows at 10:00:00.000500 (stats in ms: min rounded down, max rounded up).
      {
        name: 'a',
        stats: {
          numRecords: 2,
          minValues: { d: '2026-01-01', ts: '2026-01-01T10:00:00.000Z', ntz: '2026-01-01T10:00:00.000' },
          maxValues: { d: '2026-01-31', ts: '2026-01-01T10:00:00.001Z', ntz: '2026-01-01T10:00:00.001' },
          nullCount: { d: 0, ts: 0, ntz: 0 },
        },
      },
      {
        name: 'b',
        stats: {
          numRecords: 2,
          minValues: { d: '2026-02-01', ts: '2026-02-01T00:00:00.000+02:00', ntz: '2026-02-01T00:00:00.000' },
          maxValues: { d: '2026-02-28', ts: '2026-02-02T00:00:00.000+02:00', ntz: '2026-02-02T00:00:00.000' },
          nullCount: { d: 0, ts: 0, ntz: 0 },
        },
      },
    ],
  );

  it.each([
    ["d = DATE '2026-01-15'", ['a']],
    ["d >= '2026-02-01'", ['b']],
    ["d > TIMESTAMP '2026-01-31 10:00:00'", ['b']],
    ["d < DATE '2026-01-01' + INTERVAL 1 DAY", ['a']],
    ["d BETWEEN '2026-01-10' AND '2026-01-12'", ['a']],
    ["ts = TIMESTAMPTZ '2026-01-01 10:00:00.0005+00'", ['a']],
    ["ts = '2026-01-01 10:00:00.0005'", ['a']],
    ["ts < TIMESTAMPTZ '2026-01-01 10:00:00+00'", []],
    ["ts > TIMESTAMPTZ '2026-01-01 10:00:00.002+00'", ['b']],
    ["ts > TIMESTAMPTZ '2026-01-01 10:00:00.0015+00'", ['a', 'b']],
    ["ts >= DATE '2026-02-01'", ['b']],
    ["ts < '2026-01-31 22:00:00'", ['a']],
    ["ts > TIMESTAMPTZ '2026-02-01 23:00:00+02'", ['b']],
    ["ntz = TIMESTAMP '2026-01-01 10:00:00.0005'", ['a']],
    ["ntz >= DATE '2026-01-02'", ['b']],
  ])('%s', async (predicate, expected) => {
    expect(await kept(t, predicate)).toEqual(expected);
  });

  it('keeps a file whose max was truncated (not rounded) to the millisecond', async () => {
    const spark = table(
      [field('ts', 'timestamp')],
      [{ name: 'x', stats: statsOf('ts', '2026-01-01T10:00:00.000Z', '2026-01-01T10:00:00.000Z') }],
    );
    expect(await kept(spark, "ts = TIMESTAMPTZ '2026-01-01 10:00:00.000999+00'")).toEqual(['x']);
    expect(await kept(spark, "ts = TIMESTAMPTZ '2026-01-01 10:00:00.001+00'")).toEqual([]);
  });
});

describe('nulls', () => {
  const t = table(
    [field('x', 'integer')],
    [
      { name: 'none', stats: statsOf('x', 1, 5, 0) },
      { name: 'some', stats: statsOf('x', 1, 5, 3) },
      { name: 'all', stats: { numRecords: 10, minValues: {}, maxValues: {}, nullCount: { x: 10 } } },
      { name: 'empty', stats: statsOf('x', 1, 1, 0, 0) },
    ],
  );

  it.each([
    ['x IS NULL', ['some', 'all']],
    ['x IS NOT NULL', ['none', 'some']],
    ['x = 3', ['none', 'some']],
    ['x <> 3', ['none', 'some']],
    ['NOT (x IS NULL)', ['none', 'some']],
    ['x IS NULL OR x = 9', ['some', 'all']],
    ['NOT (x > 0)', []],
  ])('%s', async (predicate, expected) => {
    expect(await kept(t, predicate)).toEqual(expected);
  });
});

describe('what it cannot judge keeps files', () => {
  const t = table(
    [field('x', 'integer'), field('y', 'string')],
    [
      { name: 'a', stats: statsOf('x', 1, 5) },
      { name: 'nostats', stats: null },
      { name: 'partial', stats: { numRecords: 3 } },
    ],
  );

  it.each([
    ['x = 9', ['nostats', 'partial']],
    ['x = 9 OR y = lower(y)', ['a', 'nostats', 'partial']],
    ['x = 9 AND y = lower(y)', ['nostats', 'partial']],
    ['x + 1 = 9', ['a', 'nostats', 'partial']],
    ['abs(x) = 9', ['a', 'nostats', 'partial']],
    ['x = 9 OR random() < 0.5', ['a', 'nostats', 'partial']],
    ['NOT (x = 9 AND y = lower(y))', ['a', 'nostats', 'partial']],
    ['nope = 1', ['a', 'nostats', 'partial']],
    ['x IN (SELECT 9)', ['a', 'nostats', 'partial']],
    ['x = now()', ['a', 'nostats', 'partial']],
  ])('%s', async (predicate, expected) => {
    expect(await kept(t, predicate)).toEqual(expected);
  });

  it('rejects text that is not an expression', async () => {
    await expect(pruneFiles(t, 'x = ')).rejects.toThrow(InvalidArgumentError);
    await expect(pruneFiles(t, '1; DROP TABLE t')).rejects.toThrow(/not a SQL boolean expression/);
  });
});

describe('partition columns', () => {
  const t = table(
    [
      field('id', 'long'),
      field('kind', 'string'),
      field('n', 'integer'),
      field('day', 'date'),
      field('at_', 'timestamp'),
    ],
    [
      {
        name: 'a1',
        partition: { kind: 'a', n: '1', day: '2026-01-01', at_: '2026-01-01T00:00:00.000000Z' },
        stats: statsOf('id', 0, 9),
      },
      {
        name: 'b2',
        partition: { kind: 'b', n: '2', day: '2026-01-02', at_: '2026-01-02 00:00:00' },
        stats: statsOf('id', 10, 19),
      },
      { name: 'null', partition: { kind: null, n: null, day: null, at_: null }, stats: statsOf('id', 20, 29) },
      { name: 'empty', partition: { kind: '', n: '', day: '', at_: '' }, stats: null },
    ],
    { partitionColumns: ['kind', 'n', 'day', 'at_'] },
  );

  it.each([
    ["kind = 'a'", ['a1']],
    ["kind <> 'a'", ['b2', 'empty']],
    ['kind IS NULL', ['null']],
    ["kind = ''", ['empty']],
    ['n >= 2', ['b2']],
    ['n IS NULL', ['null', 'empty']],
    ["day = DATE '2026-01-02'", ['b2']],
    ["day > '2026-01-01'", ['b2']],
    ["at_ = TIMESTAMPTZ '2026-01-02 00:00:00+00'", ['b2']],
    ["kind = 'a' OR id >= 25", ['a1', 'null', 'empty']],
    ["NOT (kind IN ('a', 'b'))", ['empty']],
    ["kind = 'b' AND id < 5", []],
  ])('%s', async (predicate, expected) => {
    expect(await kept(t, predicate)).toEqual(expected);
  });

  it('tells partition skips from stats skips', async () => {
    const result = await pruneFiles(t, "kind = 'b' AND id < 15");
    expect(result.kept.map((f) => f.path)).toEqual(['b2.parquet']);
    expect({ partition: result.skippedByPartition, stats: result.skippedByStats }).toEqual({ partition: 3, stats: 0 });
    const byStats = await pruneFiles(t, 'id >= 20');
    expect({ partition: byStats.skippedByPartition, stats: byStats.skippedByStats }).toEqual({
      partition: 0,
      stats: 2,
    });
  });
});

describe('nested fields and column mapping', () => {
  const mapped = (name: string, physical: string, type: DataType) =>
    field(name, type, { 'delta.columnMapping.physicalName': physical });
  const t = table(
    [
      mapped('id', 'col-1', 'long'),
      mapped('s', 'col-2', {
        type: 'struct',
        fields: [mapped('x', 'col-3', 'integer'), mapped('y', 'col-4', 'string')],
      }),
    ],
    [
      {
        name: 'a',
        stats: {
          numRecords: 5,
          minValues: { 'col-1': 0, 'col-2': { 'col-3': 1, 'col-4': 'a' } },
          maxValues: { 'col-1': 4, 'col-2': { 'col-3': 3, 'col-4': 'c' } },
          nullCount: { 'col-1': 0, 'col-2': { 'col-3': 0, 'col-4': 5 } },
        },
      },
      {
        name: 'b',
        stats: {
          numRecords: 5,
          minValues: { 'col-1': 5, 'col-2': { 'col-3': 7 } },
          maxValues: { 'col-1': 9, 'col-2': { 'col-3': 9 } },
          nullCount: { 'col-1': 0, 'col-2': { 'col-3': 0, 'col-4': 0 } },
        },
      },
    ],
    { mapping: 'name' },
  );

  it.each([
    ['id > 4', ['b']],
    ['s.x = 2', ['a']],
    ['S.X >= 8', ['b']],
    ["s.y = 'b'", ['b']],
    ['s.y IS NOT NULL', ['b']],
    ["s['x'] = 2", ['a', 'b']],
  ])('%s', async (predicate, expected) => {
    expect(await kept(t, predicate)).toEqual(expected);
  });
});
