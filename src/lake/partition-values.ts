/**
 * Partition value serialization (PROTOCOL.md, "Partition Value Serialization"):
 * partition values live in the log as strings; null is a JSON null.
 */
import type { DataType } from './schema.js';

/**
 * The log string for a partition value as DuckDB prints it. Timestamps are written
 * as ISO 8601 UTC with microseconds (`2021-09-08T11:11:11.000000Z`), the unambiguous
 * form the protocol allows; an empty string is null, as Spark writes it.
 */
export function serializePartitionValue(duckdbText: string | null, type: DataType): string | null {
  if (duckdbText === null || duckdbText === '') return null;
  if (type === 'timestamp') return isoUtcMicros(duckdbText) ?? duckdbText;
  return duckdbText;
}

function isoUtcMicros(text: string): string | undefined {
  const match = /^(\d{4,}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d)(?:\.(\d+))?([+-]\d\d(?::?\d\d)?|Z)?$/.exec(text);
  if (!match) return undefined;
  const [, date, time, fraction = '', zone = 'Z'] = match;
  let millis = Date.parse(`${date}T${time}Z`);
  if (zone !== 'Z' && zone !== '+00' && zone !== '+00:00') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const [h, m = '0'] = zone.slice(1).split(':');
    millis -= sign * (Number(h) * 60 + Number(m)) * 60_000;
  }
  if (!Number.isFinite(millis)) return undefined;
  return `${new Date(millis).toISOString().slice(0, 19)}.${fraction.padEnd(6, '0').slice(0, 6)}Z`;
}
