/**
 * A JSON-lines file read strictly: each line is parsed on its own, so a malformed
 * line, a line that is not an object, or (on append) a value of the wrong JSON type or
 * a null in a NOT NULL column is named by its line number instead of failing the whole
 * read or being silently coerced. Text for date and timestamp columns is checked by
 * DuckDB's own casts, in one query over the values collected. The good lines, as
 * written, are staged for DuckDB. Blank lines, a BOM and CRLF line ends are fine.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import { once } from 'node:events';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import type { DuckDBConnection } from '@duckdb/node-api';
import { duckdbType, type StructField, type StructType } from '../log/schema.js';
import { decompressedStream, firstPerLine, truncate, type RejectedRow } from './bad-rows.js';
import { sqlPath, stagingDirectory } from './local-files.js';

export interface JsonLinesRead {
  /** The staged file of good lines (absent when there are none). */
  readonly staged?: string;
  readonly rejected: readonly RejectedRow[];
}

/** Whether the file can be read line by line here (zstd cannot, on Node 20: DuckDB reads it unchecked). */
export const canCheckJsonLines = (file: string): boolean => !/\.zst$/i.test(file);

export async function readJsonLinesStrictly(
  connection: DuckDBConnection,
  file: string,
  target: StructType | undefined,
): Promise<JsonLinesRead> {
  const staging = await stagingDirectory();
  const staged = path.join(staging, `lines-${randomUUID()}.jsonl`);
  const texts = path.join(staging, `texts-${randomUUID()}.jsonl`);
  const out = createWriteStream(staged);
  const textOut = createWriteStream(texts);
  const rejected: RejectedRow[] = [];
  const origins: number[] = []; // the file line of each staged line
  const fields = new Map((target?.fields ?? []).map((f) => [f.name.toLowerCase(), f]));
  let textCount = 0;
  let line = 0;
  try {
    const lines = createInterface({ input: decompressedStream(file)!, crlfDelay: Infinity });
    for await (const raw of lines) {
      line++;
      const text = line === 1 ? raw.replace(/^\uFEFF/, '') : raw;
      if (text.trim() === '') continue;
      const checked = checkLine(text, fields);
      if ('reason' in checked) {
        rejected.push({ line, ...checked, text: truncate(text, 10_000) });
        continue;
      }
      origins.push(line);
      if (!out.write(`${text}\n`)) await once(out, 'drain');
      for (const t of checked.texts) {
        textCount++;
        if (!textOut.write(`${JSON.stringify({ l: line, ...t })}\n`)) await once(textOut, 'drain');
      }
    }
  } finally {
    out.end();
    textOut.end();
    await Promise.all([once(out, 'close'), once(textOut, 'close')]);
  }
  try {
    const badTexts = textCount > 0 ? await uncastable(connection, texts) : [];
    const { left, dropped } = await dropLines(staged, origins, new Set(badTexts.map((b) => b.line)));
    for (const bad of badTexts) rejected.push({ ...bad, text: truncate(dropped.get(bad.line) ?? '', 10_000) });
    return { ...(left > 0 ? { staged } : {}), rejected: firstPerLine(rejected) };
  } finally {
    await fs.rm(texts, { force: true });
  }
}

/** Text values for date and timestamp columns that DuckDB cannot cast, first per line. */
async function uncastable(connection: DuckDBConnection, texts: string): Promise<RejectedRow[]> {
  const reader = await connection.runAndReadAll(
    `SELECT l, c, t, v FROM read_json(${sqlPath(texts)}, format = 'newline_delimited', columns = {l: 'BIGINT', c: 'VARCHAR', t: 'VARCHAR', v: 'VARCHAR'})
     WHERE CASE t WHEN 'DATE' THEN TRY_CAST(v AS DATE) WHEN 'TIMESTAMP' THEN TRY_CAST(v AS TIMESTAMP) ELSE TRY_CAST(v AS TIMESTAMPTZ) END IS NULL
     ORDER BY l`,
  );
  return reader.getRowObjectsJson().map((r) => {
    const shown = truncate(JSON.stringify(String(r.v)));
    return {
      line: Number(r.l),
      column: String(r.c),
      value: shown,
      reason: `cannot read ${shown} as ${String(r.t)}`,
      text: '',
    };
  });
}

/** Rewrites the staged file without the lines DuckDB refused: how many are left, and the dropped lines' text. */
async function dropLines(
  staged: string,
  origins: readonly number[],
  bad: ReadonlySet<number>,
): Promise<{ left: number; dropped: Map<number, string> }> {
  const dropped = new Map<number, string>();
  if (bad.size === 0) return { left: origins.length, dropped };
  const kept = `${staged}.kept`;
  const out = createWriteStream(kept);
  let index = 0;
  let left = 0;
  for await (const text of createInterface({ input: createReadStream(staged, 'utf8'), crlfDelay: Infinity })) {
    const line = origins[index++]!;
    if (bad.has(line)) {
      dropped.set(line, text);
      continue;
    }
    left++;
    if (!out.write(`${text}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'close');
  await fs.rename(kept, staged);
  return { left, dropped };
}

type Problem = Omit<RejectedRow, 'line' | 'text'>;

interface TextValue {
  readonly c: string;
  readonly t: string;
  readonly v: string;
}

const CAST_BY_DUCKDB: Readonly<Record<string, true>> = { date: true, timestamp: true, timestamp_ntz: true };

/** The line's problem, or the text values DuckDB still has to cast. */
function checkLine(text: string, fields: ReadonlyMap<string, StructField>): Problem | { texts: TextValue[] } {
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
  const texts: TextValue[] = [];
  for (const [key, v] of Object.entries(row)) {
    const field = fields.get(key.toLowerCase());
    if (!field) continue; // a new column: the write plan decides (mergeSchema)
    if (v === null) {
      if (!field.nullable) return { column: field.name, reason: 'null in a NOT NULL column', value: 'null' };
      continue;
    }
    if (typeof field.type !== 'string') continue;
    if (!fits(field.type, v)) {
      const shown = truncate(JSON.stringify(v));
      return { column: field.name, reason: `cannot read ${shown} as ${duckdbType(field.type)}`, value: shown };
    }
    if (CAST_BY_DUCKDB[field.type]) texts.push({ c: field.name, t: duckdbType(field.type), v: v as string });
  }
  if (fields.size > 0) {
    for (const field of fields.values())
      if (!field.nullable && !present.has(field.name.toLowerCase()))
        return { column: field.name, reason: 'missing a value for a NOT NULL column' };
  }
  return { texts };
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
