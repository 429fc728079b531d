/**
 * The three-valued evaluation of one file, on hand-made predicates and stats: what each
 * node answers at the edges (a min or max equal to the literal, NaN, NULLs, missing or
 * truncated stats, time zones), written as the outcomes some row may give: `t`, `f`, `n`.
 */
import { describe, expect, it } from 'vitest';
import type { AddFile, DataType } from '../../lake/index.js';
import type { ColumnRef, EvaluationOptions } from './file-bounds.js';
import { evaluate, type Limit, type Predicate } from './stats-evaluator.js';
import type { Value } from './skip-values.js';

const col = (name: string, type: DataType, partition = false): ColumnRef => ({
  name,
  type,
  path: [name],
  ...(partition ? { partitionKeys: [name] } : {}),
});
const x = col('x', 'long');
const d = col('d', 'double');
const f = col('f', 'float');
const s = col('s', 'string');
const ts = col('ts', 'timestamp');
const ntz = col('ntz', 'timestamp_ntz');
const day = col('day', 'date');
const flag = col('flag', 'boolean');

const n = (value: number): Value => ({ kind: 'num', value });
const str = (value: string): Value => ({ kind: 'str', value });
const at = (iso: string, zone: 'tz' | 'ntz' | 'date' = 'tz'): Value => ({
  kind: 'time',
  value: BigInt(Date.parse(iso)) * 1000n,
  zone,
});
/** The last microsecond of the millisecond 2026-01-01T00:00:00.000Z. */
const lastMicro: Value = {
  kind: 'time',
  zone: 'tz',
  value: BigInt(Date.parse('2026-01-01T00:00:00.000Z')) * 1000n + 999n,
};
const incl = (value: Value): Limit => ({ value, inclusive: true });
const excl = (value: Value): Limit => ({ value, inclusive: false });

const eq = (column: ColumnRef, value: Value): Predicate => ({
  kind: 'range',
  column,
  lower: incl(value),
  upper: incl(value),
});
const gt = (column: ColumnRef, value: Value): Predicate => ({ kind: 'range', column, lower: excl(value) });
const ge = (column: ColumnRef, value: Value): Predicate => ({ kind: 'range', column, lower: incl(value) });
const lt = (column: ColumnRef, value: Value): Predicate => ({ kind: 'range', column, upper: excl(value) });
const le = (column: ColumnRef, value: Value): Predicate => ({ kind: 'range', column, upper: incl(value) });
const between = (column: ColumnRef, a: Value, b: Value): Predicate => ({
  kind: 'range',
  column,
  lower: incl(a),
  upper: incl(b),
});
const not = (child: Predicate): Predicate => ({ kind: 'not', child });
const and = (...children: Predicate[]): Predicate => ({ kind: 'and', children });
const or = (...children: Predicate[]): Predicate => ({ kind: 'or', children });
const ne = (column: ColumnRef, value: Value): Predicate => ({ kind: 'ne', column, value });
const like = (column: ColumnRef, prefix: string): Predicate => ({ kind: 'prefix', column, prefix });
const inList = (column: ColumnRef, values: Value[], hasNull = false): Predicate => ({
  kind: 'in',
  column,
  values,
  hasNull,
});
const isNull = (column: ColumnRef, negated = false): Predicate => ({ kind: 'null', column, negated });
const unknown: Predicate = { kind: 'unknown' };

/** A file with stats for column `name`: min, max, null count (of 10 rows). */
function file(name: string, min: unknown, max: unknown, nulls = 0, records = 10): AddFile {
  const stats = {
    numRecords: records,
    minValues: { [name]: min },
    maxValues: { [name]: max },
    nullCount: { [name]: nulls },
  };
  return {
    path: 'f.parquet',
    partitionValues: {},
    size: 1,
    modificationTime: 0,
    dataChange: true,
    stats: JSON.stringify(stats),
  };
}
const partitioned = (values: Record<string, string | null>, stats?: string): AddFile => ({
  path: 'p.parquet',
  partitionValues: values,
  size: 1,
  modificationTime: 0,
  dataChange: true,
  ...(stats === undefined ? {} : { stats }),
});

/** The outcomes as letters: 'tf' = may be true or false, never NULL. */
function outcomes(predicate: Predicate, target: AddFile, options?: EvaluationOptions): string {
  const truth = evaluate(predicate, target, options);
  return `${truth.t ? 't' : ''}${truth.f ? 'f' : ''}${truth.n ? 'n' : ''}`;
}

describe('ranges where the file min or max equals the literal', () => {
  const file10to20 = file('x', 10, 20);
  it.each([
    [eq(x, n(10)), 'tf'],
    [eq(x, n(20)), 'tf'],
    [eq(x, n(9)), 'f'],
    [eq(x, n(21)), 'f'],
    [gt(x, n(20)), 'f'],
    [ge(x, n(20)), 'tf'],
    [gt(x, n(9)), 't'],
    [ge(x, n(10)), 't'],
    [gt(x, n(10)), 'tf'],
    [lt(x, n(10)), 'f'],
    [le(x, n(10)), 'tf'],
    [lt(x, n(21)), 't'],
    [le(x, n(20)), 't'],
    [lt(x, n(20)), 'tf'],
    [between(x, n(10), n(20)), 't'],
    [between(x, n(20), n(30)), 'tf'],
    [between(x, n(0), n(10)), 'tf'],
    [between(x, n(21), n(30)), 'f'],
    [between(x, n(15), n(14)), 'f'], // empty range
    [{ kind: 'range', column: x, lower: excl(n(15)), upper: incl(n(15)) } as Predicate, 'f'],
    [{ kind: 'range', column: x, lower: incl(n(15)), upper: excl(n(15)) } as Predicate, 'f'],
    [{ kind: 'range', column: x } as Predicate, 't'],
    [not(eq(x, n(10))), 'tf'],
    [not(gt(x, n(20))), 't'],
    [not(ge(x, n(10))), 'f'],
    [not(le(x, n(20))), 'f'],
    [not(between(x, n(10), n(20))), 'f'],
    [not(between(x, n(10), n(19))), 'tf'],
    [not(and(ge(x, n(10)), le(x, n(20)))), 'f'],
    [not(and(ge(x, n(10)), lt(x, n(20)))), 'tf'],
    [not(or(lt(x, n(10)), gt(x, n(20)))), 't'],
    [not(or(le(x, n(10)), gt(x, n(20)))), 'tf'],
    [and(ge(x, n(10)), le(x, n(20))), 't'],
    [and(ge(x, n(10)), gt(x, n(20))), 'f'],
    [or(lt(x, n(10)), gt(x, n(20))), 'f'],
    [or(lt(x, n(10)), ge(x, n(20))), 'tf'],
    [and(), 't'],
    [or(), 'f'],
  ])('case %#', (predicate, expected) => {
    expect(outcomes(predicate, file10to20)).toBe(expected);
  });
});

describe('<>, IN and NULLs', () => {
  it.each([
    [ne(x, n(10)), file('x', 10, 10), 'f'],
    [ne(x, n(10)), file('x', 10, 11), 'tf'],
    [ne(x, n(10)), file('x', 9, 10), 'tf'],
    [ne(x, n(10)), file('x', 11, 12), 't'],
    [ne(x, n(10)), file('x', 8, 9), 't'],
    [ne(x, n(10)), file('x', 10, 10, 3), 'fn'],
    [not(ne(x, n(10))), file('x', 10, 10), 't'],
    [inList(x, [n(5), n(10)]), file('x', 10, 10), 't'],
    [inList(x, [n(5), n(11)]), file('x', 10, 10), 'f'],
    [inList(x, [n(5), n(20)]), file('x', 10, 20), 'tf'],
    [inList(x, [n(10)], true), file('x', 10, 10), 't'], // x IN (10, NULL) is never false
    [inList(x, [n(5)], true), file('x', 10, 10), ''],
    [not(inList(x, [n(5)], true)), file('x', 10, 10), ''],
    [isNull(x), file('x', 1, 2, 0), 'f'],
    [isNull(x), file('x', 1, 2, 4), 'tf'],
    [isNull(x), file('x', null, null, 10), 't'],
    [isNull(x, true), file('x', null, null, 10), 'f'],
    [isNull(x, true), file('x', 1, 2, 0), 't'],
    [eq(x, n(1)), file('x', null, null, 10), 'n'], // all NULL: only NULL
    [not(eq(x, n(1))), file('x', null, null, 10), 'n'],
    [eq(x, n(1)), file('x', 1, 2, 10, 12), 'tfn'],
  ])('case %#', (predicate, target, expected) => {
    expect(outcomes(predicate, target)).toBe(expected);
  });
});

describe('NaN on FLOAT and DOUBLE columns (above every number, never in stats)', () => {
  it.each([
    [d, gt(d, n(100)), 'tf'], // only a NaN row may be true
    [d, ge(d, n(100)), 'tf'],
    [d, lt(d, n(0)), 'f'],
    [d, le(d, n(0)), 'f'],
    [d, eq(d, n(100)), 'f'],
    [d, eq(d, n(5)), 'tf'],
    [d, between(d, n(0), n(100)), 'tf'], // NaN is outside
    [d, not(between(d, n(0), n(100))), 'tf'],
    [d, not(ge(d, n(0))), 'f'],
    [d, not(le(d, n(10))), 'tf'], // a NaN row is not <= 10
    [d, ne(d, n(5)), 'tf'],
    [d, not(ne(d, n(5))), 'tf'],
    [d, inList(d, [n(1), n(10)]), 'tf'],
    [d, not(inList(d, [n(1), n(10)])), 'tf'],
    [f, gt(f, n(100)), 'tf'],
    [f, le(f, n(10)), 'tf'],
    [f, not(le(f, n(10))), 'tf'],
    [f, ne(f, n(5)), 'tf'],
  ])('case %#', (column, predicate, expected) => {
    expect(outcomes(predicate, file(column.name, 1, 10))).toBe(expected);
  });

  it('reads a file without any stats as unknown (NaN and NULL included)', () => {
    const bare = partitioned({});
    expect(outcomes(eq(d, n(1)), bare)).toBe('tfn');
    expect(outcomes(gt(d, n(1)), bare)).toBe('tfn');
    expect(outcomes(isNull(d), bare)).toBe('tf');
  });

  it('keeps the slack of FLOAT stats: a float text is not the float32 it stands for', () => {
    const point = file('f', 0.1, 0.1);
    expect(outcomes(eq(f, n(Math.fround(0.1))), point)).toBe('tf');
    expect(outcomes(gt(f, n(Math.fround(0.1))), point)).toBe('tf');
    expect(outcomes(lt(f, n(0.09)), point)).toBe('f');
  });
});

describe('strings: truncated maxima and LIKE', () => {
  const long = 'abcdefghijklmnopqrstuvwxyz012345'; // 32 characters
  it.each([
    [eq(s, str(`${long}zzz`)), file('s', 'a', long), 'tf'],
    [gt(s, str(`${long}zzz`)), file('s', 'a', long), 'tf'],
    [gt(s, str('abd')), file('s', 'a', long), 'f'],
    [eq(s, str(`${long}zzz`)), file('s', 'a', `${long}\u{10FFFF}`), 'tf'],
    [eq(s, str('abd')), file('s', 'a', `${long}\u{10FFFF}`), 'f'],
    [le(s, str(long)), file('s', 'a', long), 'tf'], // the max may be longer than its prefix
    [lt(s, str('b')), file('s', 'a', long), 'tf'], // a prefix max is never 'all below'
    [ne(s, str(long)), file('s', long, long), 'tf'],
    [ne(s, str('short')), file('s', 'short', 'short'), 'f'],
    [ne(s, str('short')), file('s', 'short', 'short\uFFFF'), 'tf'], // a tie-breaker: truncated
    [ne(s, str('short')), file('s', 'short', 'short\uFFFD'), 'tf'],
    [like(s, 'abc'), file('s', 'a', long), 'tf'],
    [like(s, 'abd'), file('s', 'a', long), 'f'],
    [like(s, 'abc'), file('s', 'abc', 'abc'), 'tf'],
    [like(s, 'abc'), file('s', 'abd', 'abz'), 'f'],
    [like(s, 'ab'), file('s', 'abd', 'abz'), 'tf'],
    [like(s, 'abcz'), file('s', 'a', `${long}\u{10FFFF}`), 'f'],
    [like(s, 'abc'), file('s', 'a', 'ab'), 'f'],
    [like(s, 'b'), file('s', 'abd', 'c'), 'tf'],
    [like(s, 'x'), partitioned({}), 'tfn'], // missing stats
    [not(like(s, 'abc')), file('s', 'abc', 'abc'), 'tf'],
    [ne(s, str('a')), partitioned({}), 'tfn'],
    [gt(s, str('\u{10000}')), file('s', 'a', '\uFFFE'), 'f'],
    [gt(s, str('\u{10000}')), file('s', 'a', '\uFFFF'), 'tf'], // U+FFFF is a tie-breaker: truncated
    [gt(s, str('\uFFFF')), file('s', 'a', '\u{10000}'), 'tf'],
    [lt(s, str('\uE000')), file('s', '\u{10000}', '\u{10FFFF}'), 'f'],
  ])('case %#', (predicate, target, expected) => {
    expect(outcomes(predicate, target)).toBe(expected);
  });
});

describe('timestamps, dates and booleans', () => {
  it.each([
    // Millisecond stats: the max stands for up to 999 µs more.
    [gt(ts, at('2026-01-01T00:00:00.000Z')), file('ts', '2025-12-31T00:00:00.000Z', '2026-01-01T00:00:00.000Z'), 'tf'],
    [ge(ts, lastMicro), file('ts', '2025-12-31T00:00:00.000Z', '2026-01-01T00:00:00.000Z'), 'tf'],
    [gt(ts, lastMicro), file('ts', '2025-12-31T00:00:00.000Z', '2026-01-01T00:00:00.000Z'), 'f'],
    [lt(ts, at('2025-12-31T00:00:00.000Z')), file('ts', '2025-12-31T00:00:00.000Z', '2026-01-01T00:00:00.000Z'), 'f'],
    // Spark writes offsets: +05:30, -03:30, -08:00 name the same instants as UTC.
    [
      lt(ts, at('2026-01-01T00:00:00Z')),
      file('ts', '2026-01-01T05:30:00.000+05:30', '2026-01-02T05:30:00.000+05:30'),
      'f',
    ],
    [
      lt(ts, at('2026-01-01T00:00:00.001Z')),
      file('ts', '2026-01-01T05:30:00.000+05:30', '2026-01-02T05:30:00.000+05:30'),
      'tf',
    ],
    [
      gt(ts, at('2026-01-02T00:00:00.999Z')),
      file('ts', '2025-12-31T20:30:00.000-03:30', '2026-01-01T20:30:00.000-03:30'),
      'f',
    ],
    [
      gt(ts, at('2026-01-02T00:00:00Z')),
      file('ts', '2025-12-31T16:00:00.000-08:00', '2026-01-01T16:00:00.001-08:00'),
      'tf',
    ],
    [
      eq(ts, at('2026-01-01T00:00:00Z')),
      file('ts', '2025-12-31T16:00:00.000-08:00', '2025-12-31T16:00:00.000-08:00'),
      'tf',
    ],
    [eq(ts, at('2026-01-01T00:00:00Z')), file('ts', '2025-12-31T16:00:00.000-08:00', 'not a time'), 'tf'],
    // Instants and wall-clock times compare as microseconds: zones are reconciled where predicates are built.
    [lt(ntz, at('2020-01-01T00:00:00Z')), file('ntz', '2026-01-01T00:00:00.000', '2026-01-02T00:00:00.000'), 'f'], // zones are reconciled where predicates are built
    [
      lt(ntz, at('2020-01-01T00:00:00Z', 'ntz')),
      file('ntz', '2026-01-01T00:00:00.000', '2026-01-02T00:00:00.000'),
      'f',
    ],
    [eq(day, at('0001-01-01T00:00:00Z', 'date')), file('day', '0001-01-01', '0001-01-02'), 'tf'],
    [lt(day, at('1000-01-01T00:00:00Z', 'date')), file('day', '0001-01-01', '0999-01-02'), 't'],
    [gt(day, at('2026-01-01T00:00:00Z', 'date')), file('day', '2025-01-01', '2025-12-31'), 'f'],
    // Malformed date text in stats bounds nothing.
    [gt(day, at('2026-01-01T00:00:00Z', 'date')), file('day', '2025-01-01', '2025-13-01'), 'tf'],
    [lt(day, at('2026-01-01T00:00:00Z', 'date')), file('day', '2026-02-30', '2026-12-31'), 'tf'],
    [lt(day, at('2026-01-01T00:00:00Z', 'date')), file('day', 20000, '2026-12-31'), 'tf'],
    [eq(flag, { kind: 'bool', value: true }), file('flag', false, false), 'tf'], // boolean stats are not read
    [eq(x, n(1)), file('x', '1', '1'), 't'], // numbers as text
    [eq(x, n(1)), file('x', '', 'x'), 'tf'],
    [eq(x, str('1')), file('x', 1, 1), 'tf'], // across domains: no order
  ])('case %#', (predicate, target, expected) => {
    expect(outcomes(predicate, target)).toBe(expected);
  });
});

describe('partition values', () => {
  const p = col('p', 'string', true);
  const when = col('when', 'timestamp', true);
  const wall = col('wall', 'timestamp_ntz', true);
  const num = col('num', 'double', true);
  const big = col('big', 'long', true);
  const ok = col('ok', 'boolean', true);
  const dt = col('dt', 'date', true);
  it.each([
    [eq(p, str('a/b')), { p: 'a/b' }, 't'],
    [eq(p, str('a/b')), { p: 'a%2Fb' }, 'f'],
    [eq(p, str('')), { p: '' }, 't'], // an empty string partition is '' for strings
    [eq(p, str('x')), { p: null }, 'n'],
    [isNull(p), { p: null }, 't'],
    [isNull(p), {}, 't'],
    [isNull(num), { num: '' }, 't'],
    [eq(num, n(0)), { num: '-0.0' }, 't'],
    [eq(num, n(0)), { num: 'NaN' }, 'tf'],
    [gt(num, n(0)), { num: 'Infinity' }, 'tf'],
    [gt(num, n(0)), { num: '-1' }, 'f'],
    [eq(big, n(2 ** 53)), { big: '9007199254740993' }, 'tf'], // past 2^53: slack
    [eq(big, n(5)), { big: '6' }, 'f'],
    [eq(ok, { kind: 'bool', value: true }), { ok: 'TRUE' }, 't'],
    [eq(ok, { kind: 'bool', value: true }), { ok: 'false' }, 'f'],
    [eq(ok, { kind: 'bool', value: true }), { ok: 'yes' }, 'tf'],
    [eq(dt, at('0001-01-01T00:00:00Z', 'date')), { dt: '0001-01-01' }, 't'],
    [eq(dt, at('2026-01-01T00:00:00Z', 'date')), { dt: '2026-02-30' }, 'tf'],
    [eq(when, at('2026-01-01T00:00:00Z')), { when: '2026-01-01T05:30:00.000000+05:30' }, 't'],
    [eq(when, at('2026-01-01T00:00:00Z')), { when: '2026-01-01 00:00:00' }, 't'],
    [eq(when, at('2026-01-01T00:00:00Z')), { when: 'garbage' }, 'tf'],
    [eq(wall, at('2026-01-01T00:00:00Z', 'ntz')), { wall: '2026-01-01 00:00:00' }, 't'],
    [eq(wall, at('2026-01-01T00:00:00Z', 'ntz')), { wall: '2026-01-01T00:00:00Z' }, 'tf'], // zoned text: not read
  ])('case %#', (predicate, values, expected) => {
    expect(outcomes(predicate, partitioned(values))).toBe(expected);
  });

  it('reads zone-less timestamp partitions only in a UTC partition time zone', () => {
    const target = partitioned({ when: '2026-01-01 00:00:00' });
    const instant = eq(when, at('2026-01-01T00:00:00Z'));
    for (const zone of ['UTC', 'utc', 'Etc/UTC', 'GMT', 'Z', ' Zulu ']) {
      expect(outcomes(instant, target, { partitionTimeZone: zone })).toBe('t');
    }
    for (const zone of ['Asia/Kolkata', 'America/St_Johns', 'UTC+1', 'Europe/London']) {
      expect(outcomes(instant, target, { partitionTimeZone: zone })).toBe('tf');
    }
    expect(
      outcomes(instant, partitioned({ when: '2026-01-01T05:30:00+05:30' }), { partitionTimeZone: 'Asia/Kolkata' }),
    ).toBe('t');
  });

  it('uses the physical key first, then the logical one', () => {
    const mapped: ColumnRef = { name: 'p', type: 'string', path: ['col-1'], partitionKeys: ['col-1', 'p'] };
    expect(outcomes(eq(mapped, str('a')), partitioned({ 'col-1': 'a', p: 'b' }))).toBe('t');
    expect(outcomes(eq(mapped, str('a')), partitioned({ p: 'a' }))).toBe('t');
  });

  it('ignores stats when asked for partitions only, and empty files match nothing', () => {
    const both = partitioned(
      { p: 'a' },
      JSON.stringify({ numRecords: 5, minValues: { x: 1 }, maxValues: { x: 2 }, nullCount: { x: 0 } }),
    );
    expect(outcomes(and(eq(p, str('a')), gt(x, n(5))), both)).toBe('f');
    expect(outcomes(and(eq(p, str('a')), gt(x, n(5))), both, { partitionsOnly: true })).toBe('tfn');
    expect(outcomes(eq(p, str('b')), both, { partitionsOnly: true })).toBe('f');
    expect(outcomes(eq(x, n(1)), file('x', 1, 1, 0, 0))).toBe('');
    expect(evaluate(eq(x, n(1)), file('x', 1, 1, 0, 0))).toEqual({ t: false, f: false, n: false });
    expect(outcomes(eq(x, n(1)), partitioned({}, '{"numRecords": 0}'), { partitionsOnly: true })).toBe('tfn');
    expect(outcomes(eq(x, n(1)), partitioned({}, 'not json'))).toBe('tfn');
    expect(outcomes(eq(x, n(1)), partitioned({}, '{"numRecords": -1, "minValues": {"x": 5}}'))).toBe('fn');
  });
});

describe('constants and unknown parts', () => {
  const target = file('x', 1, 2);
  it.each([
    [{ kind: 'constant', value: true } as Predicate, 't'],
    [{ kind: 'constant', value: false } as Predicate, 'f'],
    [{ kind: 'constant', value: null } as Predicate, 'n'],
    [not({ kind: 'constant', value: null }), 'n'],
    [unknown, 'tfn'],
    [not(unknown), 'tfn'],
    [and(unknown, gt(x, n(5))), 'fn'],
    [or(unknown, gt(x, n(5))), 'tfn'],
    [not(and(unknown, gt(x, n(5)))), 'tn'],
    [not(or(unknown, lt(x, n(5)))), 'fn'],
    [and(isNull(x), { kind: 'constant', value: null }), 'fn'],
  ])('case %#', (predicate, expected) => {
    expect(outcomes(predicate, target)).toBe(expected);
  });
});
