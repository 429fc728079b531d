/**
 * Partition value serialization (PROTOCOL.md, "Partition Value Serialization"):
 * partition values live in the log as strings; null is a JSON null.
 */
import { parseDuckdbTimestamp } from '../../duckdb/index.js';
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
  const parsed = parseDuckdbTimestamp(text);
  if (!parsed) return undefined;
  return `${new Date(parsed.millis).toISOString().slice(0, 19)}.${parsed.micros6}Z`;
}
