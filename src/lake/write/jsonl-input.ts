/**
 * A JSON-lines file read strictly: each line is parsed on its own, so a malformed
 * line, a line that is not an object, or (on append) a value of the wrong JSON type or
 * a null in a NOT NULL column is named by its line number instead of failing the whole
 * read or being silently coerced. The good lines, as written, are staged for DuckDB.
 * Blank lines, a BOM and CRLF line ends are fine.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { duckdbType, type StructField, type StructType } from '../log/schema.js';
import { truncate, type RejectedRow } from './bad-rows.js';
import { stagingDirectory } from './local-files.js';

export interface JsonLinesRead {
  /** The staged file of good lines (absent when there are none). */
  readonly staged?: string;
  readonly rejected: readonly RejectedRow[];
}

export async function readJsonLinesStrictly(file: string, target: StructType | undefined): Promise<JsonLinesRead> {
  const staged = path.join(await stagingDirectory(), `lines-${randomUUID()}.jsonl`);
  const out = createWriteStream(staged);
  const rejected: RejectedRow[] = [];
  const fields = new Map((target?.fields ?? []).map((f) => [f.name.toLowerCase(), f]));
  let good = 0;
  let line = 0;
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const raw of lines) {
    line++;
    const text = line === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (text.trim() === '') continue;
    const problem = lineProblem(text, fields);
    if (problem) {
      rejected.push({ line, ...problem, text: truncate(text, 10_000) });
      continue;
    }
    good++;
    if (!out.write(`${text}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'close');
  return { ...(good > 0 ? { staged } : {}), rejected };
}

type Problem = Omit<RejectedRow, 'line' | 'text'>;

function lineProblem(text: string, fields: ReadonlyMap<string, StructField>): Problem | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { reason: `not valid JSON (${(error as Error).message})`, value: truncate(text) };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { reason: 'not a JSON object', value: truncate(text) };
  const row = value as Record<string, unknown>;
  const present = new Set(Object.keys(row).map((k) => k.toLowerCase()));
  for (const [key, v] of Object.entries(row)) {
    const field = fields.get(key.toLowerCase());
    if (!field) continue; // a new column: the write plan decides (mergeSchema)
    if (v === null) {
      if (!field.nullable) return { column: field.name, reason: 'null in a NOT NULL column', value: 'null' };
      continue;
    }
    if (typeof field.type === 'string' && !fits(field.type, v)) {
      const shown = truncate(JSON.stringify(v));
      return { column: field.name, reason: `cannot read ${shown} as ${duckdbType(field.type)}`, value: shown };
    }
  }
  if (fields.size > 0 && present.size > 0) {
    for (const field of fields.values())
      if (!field.nullable && !present.has(field.name.toLowerCase()))
        return { column: field.name, reason: 'missing a value for a NOT NULL column' };
  }
  return undefined;
}

const INTEGER_RANGE: Readonly<Record<string, number>> = { byte: 2 ** 7, short: 2 ** 15, integer: 2 ** 31 };

/** Whether a JSON value has the JSON type the column's type needs (formats of text values are DuckDB's to check). */
function fits(type: string, value: unknown): boolean {
  if (type in INTEGER_RANGE) {
    const limit = INTEGER_RANGE[type]!;
    return Number.isInteger(value) && (value as number) >= -limit && (value as number) < limit;
  }
  if (type === 'long') return Number.isInteger(value);
  if (type === 'float' || type === 'double') return typeof value === 'number';
  if (type.startsWith('decimal'))
    return typeof value === 'number' || (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value));
  if (type === 'boolean') return typeof value === 'boolean';
  return typeof value === 'string'; // string, binary, date, timestamp, timestamp_ntz
}
