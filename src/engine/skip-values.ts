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
import { decimalParts, type DataType, type PrimitiveTypeName } from '../lake/index.js';

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
  const millis = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  if (!Number.isFinite(millis) || new Date(millis).getUTCDate() !== Number(match[3])) return undefined;
  return BigInt(millis / 86_400_000);
}

/**
 * Microseconds since the epoch of an ISO-8601-like timestamp text. `zone` says whether
 * the text carried an offset; text without one is read as UTC wall-clock time.
 */
export function parseTimestamp(text: string): { micros: bigint; zoned: boolean } | undefined {
  const match = TIMESTAMP.exec(text.trim());
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second = '0', fraction = '', zone] = match;
  let millis = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second));
  if (!Number.isFinite(millis) || Number(month) > 12 || Number(day) > 31 || Number(hour) > 23) return undefined;
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
      const millis = Number(value.value / 1000n);
      const iso = new Date(millis).toISOString();
      return value.zone === 'date' ? iso.slice(0, 10) : value.zone === 'ntz' ? iso.slice(0, -1).replace('T', ' ') : iso;
    }
  }
}
