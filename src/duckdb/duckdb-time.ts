/**
 * Parses the text DuckDB prints for TIMESTAMP and TIMESTAMPTZ values
 * (`2026-01-01 10:00:00.123456+00`), which stats and partition values start from.
 */
export interface ParsedTimestamp {
  /** Epoch milliseconds (UTC; a value without a zone is taken as UTC). */
  readonly millis: number;
  /** The sub-millisecond microseconds, 0–999. */
  readonly extraMicros: number;
  /** The fractional seconds as six digits. */
  readonly micros6: string;
}

const TIMESTAMP = /^(\d{4,}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d(?::?\d\d)?)?$/;

export function parseDuckdbTimestamp(text: string): ParsedTimestamp | undefined {
  const match = TIMESTAMP.exec(text);
  if (!match) return undefined;
  const [, date, time, fraction = '', zone = 'Z'] = match;
  const micros6 = fraction.padEnd(6, '0').slice(0, 6);
  const micros = Number(micros6);
  let millis = Date.parse(`${date}T${time}Z`) + Math.floor(micros / 1000);
  if (zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    millis -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0')) * 60_000;
  }
  return Number.isFinite(millis) ? { millis, extraMicros: micros % 1000, micros6 } : undefined;
}
