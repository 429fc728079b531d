/**
 * Row results as bytes: JSON, NDJSON and CSV, whole (for cached responses) or line by
 * line (for streamed ones). Rows are arrays of JSON-compatible values in column order.
 */
import type { SqlColumn, SqlValue } from '../../engine/index.js';

export type Row = readonly SqlValue[];

export function rowObject(columns: readonly SqlColumn[], row: Row): Record<string, SqlValue> {
  const out: Record<string, SqlValue> = {};
  columns.forEach((c, i) => {
    out[c.name] = row[i] ?? null;
  });
  return out;
}

export function jsonBody(columns: readonly SqlColumn[], rows: readonly Row[]): Buffer {
  return Buffer.from(JSON.stringify(rows.map((r) => rowObject(columns, r))));
}

export function ndjsonLines(columns: readonly SqlColumn[], rows: readonly Row[]): string {
  let out = '';
  for (const row of rows) out += `${JSON.stringify(rowObject(columns, row))}\n`;
  return out;
}

export function csvHeader(columns: readonly SqlColumn[]): string {
  return `${columns.map((c) => csvField(c.name)).join(',')}\r\n`;
}

export function csvLines(rows: readonly Row[]): string {
  let out = '';
  for (const row of rows) out += `${row.map(csvValue).join(',')}\r\n`;
  return out;
}

/** NULL is an empty field; an empty string is `""`, so the two read back apart. */
function csvValue(value: SqlValue | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value === '' ? '""' : csvField(value);
  if (typeof value === 'object') return csvField(JSON.stringify(value));
  return String(value);
}

function csvField(text: string): string {
  return /[",\r\n]/.test(text) || text.trim() !== text ? `"${text.replaceAll('"', '""')}"` : text;
}
