/**
 * The values data skipping compares: constants of a query, bounds from Delta stats and
 * partition values, all brought into one of four domains where comparison means what it
 * means in DuckDB:
 *
 * - `num`: every numeric type, as a double. A value that may have been rounded on the
 *   way (a wide decimal, a float's text, an integer past 2^53) carries `slack`, how far
 *   the real value may be; two values closer than their slacks have no known order, and
 *   an unknown order always keeps a file.
 * - `str`: strings, compared by code point (DuckDB compares UTF-8 bytes: the same order).
 * - `time`: dates and timestamps as microseconds since the epoch; a date is its midnight,
 *   as DuckDB casts a date to a timestamp. `zone` tells dates, wall-clock timestamps
 *   (TIMESTAMP) and instants (TIMESTAMPTZ) apart: mixing instants with the others is only
 *   exact when the session time zone is UTC (checked where predicates are built).
 * - `bool`: false < true.
 */
import { decimalParts, type DataType, type PrimitiveTypeName } from '../../lake/index.js';

export type TimeZoneKind = 'date' | 'ntz' | 'tz';

export type Value =
  | { readonly kind: 'num'; readonly value: number; readonly slack?: number }
  | { readonly kind: 'str'; readonly value: string }
  | { readonly kind: 'time'; readonly value: bigint; readonly zone: TimeZoneKind }
  | { readonly kind: 'bool'; readonly value: boolean };

export type Domain = Value['kind'];

export const MICROS_PER_DAY = 86_400_000_000n;

/** The domain of a Delta primitive type; undefined for types data skipping does not compare (binary, variant). */
export function domainOf(type: DataType): Domain | undefined {
  if (typeof type !== 'string') return undefined;
  if (type.startsWith('decimal')) return 'num';
  const domains: Partial<Record<PrimitiveTypeName, Domain>> = {
    string: 'str',
    long: 'num',
    integer: 'num',
    short: 'num',
    byte: 'num',
    float: 'num',
    double: 'num',
    boolean: 'bool',
    date: 'time',
    timestamp: 'time',
    timestamp_ntz: 'time',
  };
  return domains[type as PrimitiveTypeName];
}

export function timeZoneKindOf(type: DataType): TimeZoneKind | undefined {
  return type === 'date' ? 'date' : type === 'timestamp' ? 'tz' : type === 'timestamp_ntz' ? 'ntz' : undefined;
}

/** Float and double columns may hold NaN, which DuckDB orders above every number, and Delta stats never show. */
export function mayHoldNaN(type: DataType): boolean {
  return type === 'float' || type === 'double';
}

/** Compares two values of one domain (-1, 0, 1); undefined across domains. */
export function compareValues(a: Value, b: Value): number | undefined {
  if (a.kind !== b.kind) return undefined;
  switch (a.kind) {
    case 'num': {
      const other = b as typeof a;
      const slack = (a.slack ?? 0) + (other.slack ?? 0);
      if (slack > 0 && Math.abs(a.value - other.value) <= slack) return undefined;
      return Math.sign(a.value - other.value);
    }
    case 'str':
      return compareStrings(a.value, (b as typeof a).value);
    case 'time':
      return a.value < (b as typeof a).value ? -1 : a.value > (b as typeof a).value ? 1 : 0;
    case 'bool':
      return Number(a.value) - Number((b as typeof a).value);
  }
}

/**
 * Code point order. UTF-16 code units sort surrogates (U+D800–DFFF) below U+E000–FFFF,
 * while the code points they encode (≥ U+10000) sort above: moving surrogates to the
 * top of the unit range restores code point (and UTF-8 byte) order.
 */
export function compareStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return Math.sign(fixup(x) - fixup(y));
  }
  return Math.sign(a.length - b.length);
}

function fixup(unit: number): number {
  return unit >= 0xd800 ? (unit >= 0xe000 ? unit - 0x800 : unit + 0x2000) : unit;
}

/**
 * How far the real value of a column of `type` may be from `value`, the double read
 * for it (from stats or partition text): integers are exact up to 2^53, doubles are
 * exact (their text round-trips), decimals up to 15 digits map to distinct, ordered
 * doubles; wider decimals and past-2^53 integers may be a few units in the last place
 * off; a float's text may be a shorter decimal than the float32 it stands for.
 */
export function numericSlack(value: number, type: DataType): number {
  if (type === 'double') return 0;
  if (type === 'float') return Math.abs(value) * 2 ** -21 + Number.MIN_VALUE;
  const decimal = typeof type === 'string' && type.startsWith('decimal') ? decimalParts(type) : undefined;
  const exact = decimal ? decimal.precision <= 15 : Number.isSafeInteger(value);
  return exact ? 0 : Math.abs(value) * 2 ** -48 + Number.MIN_VALUE;
}

/** A number of a constant: exact when it is a safe integer or has at most `digits` ≤ 15 digits. */
export function numberValue(value: number, exact: boolean): Value {
  return exact && Number.isFinite(value)
    ? { kind: 'num', value }
    : { kind: 'num', value, slack: Math.abs(value) * 2 ** -48 + Number.MIN_VALUE };
}

const DATE = /^(-?\d{4,})-(\d\d)-(\d\d)$/;
const TIMESTAMP = /^(-?\d{4,})-(\d\d)-(\d\d)[ T](\d\d):(\d\d)(?::(\d\d)(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d\d(?::?\d\d)?)?$/i;

/** Days since the epoch of a `YYYY-MM-DD` text. */
export function parseDate(text: string): bigint | undefined {
  const match = DATE.exec(text.trim());
  if (!match) return undefined;
  const millis = utcMillis(Number(match[1]), Number(match[2]), Number(match[3]), 0, 0, 0);
  return millis === undefined ? undefined : BigInt(millis / 86_400_000);
}

/**
 * Milliseconds since the epoch of a proleptic Gregorian date and time, or undefined when
 * a field is out of range. `Date.UTC` reads years 0–99 as 1900–1999 (so `0001-01-01`
 * would become 1901): the year is set on its own with `setUTCFullYear`, which does not.
 */
function utcMillis(year: number, month: number, day: number, hour: number, minute: number, second: number) {
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  const millis = date.getTime();
  // Beyond JavaScript's ±275,760 years, or a day the month does not have (02-30).
  if (!Number.isFinite(millis) || date.getUTCDate() !== day) return undefined;
  return millis;
}

/**
 * Microseconds since the epoch of an ISO-8601-like timestamp text. `zone` says whether
 * the text carried an offset; text without one is read as UTC wall-clock time.
 */
export function parseTimestamp(text: string): { micros: bigint; zoned: boolean } | undefined {
  const match = TIMESTAMP.exec(text.trim());
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second = '0', fraction = '', zone] = match;
  let millis = utcMillis(Number(year), Number(month), Number(day), Number(hour), Number(minute), Number(second));
  if (millis === undefined) return undefined;
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    millis -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0')) * 60_000;
  }
  const micros = BigInt(millis) * 1000n + BigInt(fraction.padEnd(6, '0').slice(0, 6));
  return { micros, zoned: zone !== undefined };
}

export function display(value: Value): string {
  switch (value.kind) {
    case 'num':
      return String(value.value);
    case 'str':
      return `'${value.value.replace(/'/g, "''")}'`;
    case 'bool':
      return String(value.value);
    case 'time': {
      // Floor division: a negative time's millisecond is the one before it.
      const micros = value.value;
      const millis = Number((micros - (((micros % 1000n) + 1000n) % 1000n)) / 1000n);
      // DuckDB's dates reach years JavaScript's Date cannot show (it would throw).
      if (!(Math.abs(millis) <= 8.64e15)) return `${micros} µs`;
      const iso = new Date(millis).toISOString();
      const day = iso.slice(0, iso.indexOf('T'));
      return value.zone === 'date' ? day : value.zone === 'ntz' ? iso.slice(0, -1).replace('T', ' ') : iso;
    }
  }
}
