/**
 * Value comparison for data skipping: domains, rounding slack, code point order around
 * the surrogate range, date and timestamp text (years before 1000, offsets), display.
 */
import { describe, expect, it } from 'vitest';
import type { DataType } from '../../lake/index.js';
import {
  compareStrings,
  compareValues,
  display,
  domainOf,
  mayHoldNaN,
  numberValue,
  numericSlack,
  parseDate,
  parseTimestamp,
  timeZoneKindOf,
  type Value,
} from './skip-values.js';

const num = (value: number, slack?: number): Value => ({ kind: 'num', value, ...(slack ? { slack } : {}) });
const time = (value: bigint, zone: 'date' | 'ntz' | 'tz' = 'ntz'): Value => ({ kind: 'time', value, zone });

describe('domains', () => {
  it.each([
    ['string', 'str'],
    ['long', 'num'],
    ['integer', 'num'],
    ['short', 'num'],
    ['byte', 'num'],
    ['float', 'num'],
    ['double', 'num'],
    ['decimal(38,10)', 'num'],
    ['boolean', 'bool'],
    ['date', 'time'],
    ['timestamp', 'time'],
    ['timestamp_ntz', 'time'],
    ['binary', undefined],
    ['variant', undefined],
  ])('%s → %s', (type, domain) => {
    expect(domainOf(type as DataType)).toBe(domain);
  });

  it('has no domain for nested types, and tells time zones and NaN-capable types', () => {
    expect(domainOf({ type: 'struct', fields: [] })).toBeUndefined();
    expect(['date', 'timestamp', 'timestamp_ntz', 'string'].map((t) => timeZoneKindOf(t as DataType))).toEqual([
      'date',
      'tz',
      'ntz',
      undefined,
    ]);
    expect(['float', 'double', 'long', 'decimal(10,2)'].map((t) => mayHoldNaN(t as DataType))).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });
});

describe('compareValues', () => {
  it('orders values of one domain and refuses to order across domains', () => {
    expect(compareValues(num(1), num(2))).toBe(-1);
    expect(compareValues(num(2), num(1))).toBe(1);
    expect(compareValues(num(-0), num(0)) === 0).toBe(true);
    expect(compareValues(num(1), { kind: 'str', value: '1' })).toBeUndefined();
    expect(compareValues(time(10n), time(20n))).toBe(-1); // a sign, not a difference
    expect(compareValues(time(20n), time(10n))).toBe(1);
    expect(compareValues(time(5n), time(5n))).toBe(0);
    expect(compareValues({ kind: 'bool', value: false }, { kind: 'bool', value: true })).toBe(-1);
    expect(compareValues({ kind: 'bool', value: true }, { kind: 'bool', value: false })).toBe(1);
    expect(compareValues({ kind: 'str', value: 'b' }, { kind: 'str', value: 'a' })).toBe(1);
  });

  it('has no order for numbers within their slack of each other (either side may carry it)', () => {
    expect(compareValues(num(100, 1), num(101))).toBeUndefined(); // exactly the slack apart
    expect(compareValues(num(101), num(100, 1))).toBeUndefined();
    expect(compareValues(num(100, 0.5), num(101, 0.5))).toBeUndefined(); // slacks add up
    expect(compareValues(num(100, 0.5), num(101, 0.25))).toBe(-1);
    expect(compareValues(num(102), num(100, 1))).toBe(1);
    expect(compareValues(num(100, 1), num(100))).toBeUndefined();
  });
});

describe('compareStrings (code point order, as DuckDB compares UTF-8)', () => {
  it.each([
    ['a', 'b', -1],
    ['ab', 'a', 1],
    ['a', 'ab', -1],
    ['abc', 'abc', 0],
    ['\uD7FF', '\uE000', -1],
    ['\uE000', '\uD7FF', 1],
    ['\uFFFF', '\u{10000}', -1], // a unit below a surrogate pair, a code point above
    ['\u{10000}', '\uFFFF', 1],
    ['\uE000', '\u{10000}', -1],
    ['\uD7FF', '\u{10000}', -1],
    ['\u{1F600}', '\u{10FFFF}', -1],
    ['\uFFFD', '\uFFFF', -1],
    ['é', 'e\u0301', 1],
  ])('%j vs %j → %d', (a, b, order) => {
    expect(compareStrings(a, b)).toBe(order);
  });

  it('maps lone surrogates to the top of the unit range, above U+E000–U+FFFF', () => {
    expect(compareStrings('\uE000', '\uDFFF')).toBe(-1);
    expect(compareStrings('\uFFFF', '\uD800')).toBe(-1);
    expect(compareStrings('\uD800', '\uDFFF')).toBe(-1);
    expect(compareStrings('\uDFFF', '\uD800')).toBe(1);
  });
});

describe('numericSlack and numberValue', () => {
  it('is zero where the double is exact', () => {
    expect(numericSlack(0.1, 'double')).toBe(0);
    expect(numericSlack(1e300, 'double')).toBe(0);
    expect(numericSlack(2 ** 53 - 1, 'long')).toBe(0);
    expect(numericSlack(-(2 ** 53 - 1), 'long')).toBe(0);
    expect(numericSlack(12345.67, 'decimal(15,2)')).toBe(0);
  });

  it('covers the rounding of floats, integers past 2^53 and decimals wider than 15 digits', () => {
    expect(numericSlack(2 ** 53 + 2, 'long')).toBe((2 ** 53 + 2) * 2 ** -48 + Number.MIN_VALUE);
    expect(numericSlack(-(2 ** 60), 'long')).toBe(2 ** 60 * 2 ** -48 + Number.MIN_VALUE);
    expect(numericSlack(1e17, 'decimal(18,0)')).toBe(1e17 * 2 ** -48 + Number.MIN_VALUE);
    expect(numericSlack(1.5, 'decimal(16,2)')).toBe(1.5 * 2 ** -48 + Number.MIN_VALUE);
    expect(numericSlack(-3, 'float')).toBe(3 * 2 ** -21 + Number.MIN_VALUE);
    expect(numericSlack(0, 'float')).toBe(Number.MIN_VALUE);
    expect(numericSlack(0, 'decimal(20,2)')).toBe(Number.MIN_VALUE);
    // A float's text (0.1) is not the float32 it stands for (0.100000001490116…).
    const float = Math.fround(0.1);
    expect(compareValues(num(0.1, numericSlack(0.1, 'float')), num(float))).toBeUndefined();
    // The long past 2^53 that rounded to the same double still has no order.
    expect(compareValues(num(2 ** 53, numericSlack(2 ** 53 + 1, 'long')), num(2 ** 53 + 2))).toBeUndefined();
  });

  it('marks constants exact only when finite and said to be exact', () => {
    expect(numberValue(5, true)).toEqual({ kind: 'num', value: 5 });
    expect(numberValue(2 ** 60, false)).toEqual({ kind: 'num', value: 2 ** 60, slack: 2 ** 12 + Number.MIN_VALUE });
    expect(numberValue(-8, false)).toEqual({ kind: 'num', value: -8, slack: 8 * 2 ** -48 + Number.MIN_VALUE });
    expect(numberValue(Infinity, true)).toMatchObject({ slack: Infinity });
    expect(numberValue(0, false)).toEqual({ kind: 'num', value: 0, slack: Number.MIN_VALUE });
  });
});

describe('parseDate', () => {
  it.each([
    ['1970-01-01', 0n],
    ['1970-01-02', 1n],
    ['1969-12-31', -1n],
    ['2024-02-29', 19782n],
    [' 2026-01-01 ', 20454n],
    ['0001-01-01', -719162n], // not 1901 (Date.UTC reads years 0-99 as 1900-1999)
    ['0099-12-31', -683004n],
    ['0999-12-31', -354286n],
    ['10000-01-01', 2932897n],
    ['0000-01-01', -719528n],
    ['-0001-12-31', -719529n],
  ])('%s → %d', (text, days) => {
    expect(parseDate(text)).toBe(days);
  });

  it.each([
    '2026-02-29',
    '2026-13-01',
    '2026-00-10',
    'x2026-01-01',
    '2026-01-01x',
    '2026-01-00',
    '2026-04-31',
    '2026-1-01',
    '26-01-01',
    '2026-01-01T00:00',
    '0044-03-15 (BC)',
    'garbage',
    '',
    '300000-01-01',
  ])('%j is not a date', (text) => {
    expect(parseDate(text)).toBeUndefined();
  });
});

describe('parseTimestamp', () => {
  const micros = (iso: string) => BigInt(Date.parse(iso)) * 1000n;

  it.each([
    ['2026-01-01 00:00:00', micros('2026-01-01T00:00:00Z'), false],
    ['2026-01-01T00:00', micros('2026-01-01T00:00:00Z'), false],
    ['2026-01-01T00:00:00Z', micros('2026-01-01T00:00:00Z'), true],
    [' 2026-01-01T00:00:00Z ', micros('2026-01-01T00:00:00Z'), true],
    ['2026-01-01T00:00:00z', micros('2026-01-01T00:00:00Z'), true],
    ['2026-01-01T05:30:00+05:30', micros('2026-01-01T00:00:00Z'), true],
    ['2026-01-01T05:30:00+0530', micros('2026-01-01T00:00:00Z'), true],
    ['2025-12-31T20:30:00-03:30', micros('2026-01-01T00:00:00Z'), true],
    ['2026-01-01T02:00:00+02', micros('2026-01-01T00:00:00Z'), true],
    ['2025-12-31T22:00:00-02', micros('2026-01-01T00:00:00Z'), true],
    ['2026-01-01 00:00:00 +00:00', micros('2026-01-01T00:00:00Z'), true],
    ['2026-01-01T00:00:00.123Z', micros('2026-01-01T00:00:00Z') + 123_000n, true],
    ['2026-01-01T00:00:00.000999', micros('2026-01-01T00:00:00Z') + 999n, false],
    ['2026-01-01T00:00:00.123456789', micros('2026-01-01T00:00:00Z') + 123_456n, false],
    ['1969-12-31T23:59:59.5', -500_000n, false],
    ['0001-01-01T00:00:00', -719162n * 86_400_000_000n, false],
    ['0050-06-01T12:00:00.000001Z', micros('0050-06-01T12:00:00Z') + 1n, true],
  ])('%s', (text, expected, zoned) => {
    expect(parseTimestamp(text)).toEqual({ micros: expected, zoned });
  });

  it.each([
    '2026-01-01T24:00:00',
    '2026-01-01T23:60:00',
    '2026-01-01T10:60:00',
    '2026-01-01T10:59:60',
    'x2026-01-01T10:00:00',
    '2026-01-01T10:00:00x',
    '2026-01-01T23:59:60',
    '2026-02-30T00:00:00',
    '2026-13-01T00:00:00',
    '2026-01-01',
    '2026-01-01T00:00:00+5',
    'garbage',
  ])('%j is not a timestamp', (text) => {
    expect(parseTimestamp(text)).toBeUndefined();
  });
});

describe('display', () => {
  it('shows each domain as SQL would read it', () => {
    expect(display(num(1.5))).toBe('1.5');
    expect(display({ kind: 'str', value: "it's" })).toBe("'it''s'");
    expect(display({ kind: 'bool', value: false })).toBe('false');
    expect(display(time(86_400_000_000n, 'date'))).toBe('1970-01-02');
    expect(display(time(1_500n, 'ntz'))).toBe('1970-01-01 00:00:00.001');
    expect(display(time(1_500n, 'tz'))).toBe('1970-01-01T00:00:00.001Z');
    expect(display(time(-1n, 'ntz'))).toBe('1969-12-31 23:59:59.999');
    expect(display(time(-719162n * 86_400_000_000n, 'date'))).toBe('0001-01-01');
    expect(display(time(2932897n * 86_400_000_000n, 'date'))).toBe('+010000-01-01');
    // Past JavaScript's dates: still printable (EXPLAIN must not fail).
    expect(display(time(8_640_000_000_000_000_000n, 'ntz'))).toBe('+275760-09-13 00:00:00.000');
    expect(display(time(8_640_000_000_000_001_000n, 'ntz'))).toBe('8640000000000001000 µs');
    expect(display(time(10n ** 19n, 'date'))).toBe(`${10n ** 19n} µs`);
  });
});
