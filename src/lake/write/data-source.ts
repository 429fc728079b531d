/**
 * Where rows to write come from: a DuckDB query, JavaScript rows, or a Parquet, CSV
 * or JSON-lines file. Each becomes a SQL relation on the writer's connection.
 */
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { InvalidArgumentError } from '../../core/index.js';
import { withConnection } from '../../duckdb/index.js';
import { duckdbType, quoteIdent, type StructType } from '../log/schema.js';
import { decompressedStream, settleRejects, type InputChecks, type InputReport } from './bad-rows.js';
import { readCsvStrictly } from './csv-input.js';
import { canCheckJsonLines, readJsonLinesStrictly } from './jsonl-input.js';
import { stagingDirectory, sqlPath } from './local-files.js';

export type DataSource =
  | { readonly kind: 'sql'; readonly sql: string }
  | { readonly kind: 'rows'; readonly rows: readonly Readonly<Record<string, unknown>>[] }
  | { readonly kind: 'file'; readonly path: string; readonly format?: FileFormat; readonly checks?: InputChecks };

export type FileFormat = 'parquet' | 'csv' | 'json';

export const fromSql = (sql: string): DataSource => ({ kind: 'sql', sql });
export const fromRows = (rows: readonly Readonly<Record<string, unknown>>[]): DataSource => ({ kind: 'rows', rows });
/** A file source; CSV and JSON-lines rows are checked, and bad ones handled as `checks.badRows` says (default fail). */
export const fromFile = (file: string, format?: FileFormat, checks?: InputChecks): DataSource => ({
  kind: 'file',
  path: file,
  ...(format ? { format } : {}),
  ...(checks ? { checks } : {}),
});

/** The file format implied by a file name's extension. */
export function formatOf(file: string): FileFormat {
  const lower = file.toLowerCase().replace(/\.(gz|zst)$/, '');
  if (lower.endsWith('.parquet')) return 'parquet';
  if (lower.endsWith('.csv') || lower.endsWith('.tsv')) return 'csv';
  if (lower.endsWith('.json') || lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) return 'json';
  throw new InvalidArgumentError(
    `Cannot tell the format of ${file} from its extension; use .parquet, .csv or .jsonl/.ndjson/.json.`,
    { file },
  );
}

export interface SourceRelation {
  /** A parenthesizable SELECT producing the rows. */
  readonly sql: string;
  /** Names the source in errors: the file, "the query" or "the rows". */
  readonly description: string;
  /** For a CSV or JSON-lines file: the lines its checks rejected (skipped or quarantined). */
  readonly input?: InputReport;
  release(): Promise<void>;
}

/** The source's columns; a source DuckDB cannot read is a typed error naming it. */
export async function describeSource(
  connection: DuckDBConnection,
  source: SourceRelation,
): Promise<Array<{ name: string; duckdbType: string }>> {
  try {
    const reader = await connection.runAndReadAll(`DESCRIBE SELECT * FROM (${source.sql})`);
    return reader.getRowObjectsJson().map((r) => ({ name: String(r.column_name), duckdbType: String(r.column_type) }));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidArgumentError(
      `Cannot read ${source.description}: ${reason}`,
      { source: source.description },
      { cause: error },
    );
  }
}

/**
 * The source as a relation on `connection`. A CSV or JSON-lines file is checked row by
 * row first (against `target`, the table's schema, when appending).
 */
export async function sourceRelation(
  source: DataSource,
  connection: DuckDBConnection,
  target?: StructType,
): Promise<SourceRelation> {
  switch (source.kind) {
    case 'sql':
      return { sql: source.sql, description: 'the query', release: async () => {} };
    case 'file': {
      const format = source.format ?? formatOf(source.path);
      const description = `${source.path} (as ${format})`;
      const file = path.resolve(source.path);
      if (format === 'parquet')
        return { sql: `SELECT * FROM read_parquet(${sqlPath(file)})`, description, release: async () => {} };
      if (format === 'csv') {
        const read = await readCsvStrictly(connection, file, target, source.checks?.name ?? source.path);
        const input = await settleRejects(source.path, read.rejected, source.checks ?? {});
        return { sql: `SELECT * FROM ${read.reader}`, description, input, release: async () => {} };
      }
      if (!canCheckJsonLines(file) || (await isJsonArray(file)))
        return { sql: `SELECT * FROM read_json(${sqlPath(file)})`, description, release: async () => {} };
      const read = await readJsonLinesStrictly(connection, file, target);
      const release = async () => (read.staged ? fs.rm(read.staged, { force: true }) : undefined);
      try {
        const input = await settleRejects(source.path, read.rejected, source.checks ?? {});
        const relation = jsonLinesRelation(source.checks?.name ?? source.path, read.staged, target);
        return { sql: relation, description, input, release };
      } catch (error) {
        await release();
        throw error;
      }
    }
    case 'rows': {
      const file = path.join(await stagingDirectory(), `rows-${randomUUID()}.jsonl`);
      await fs.writeFile(file, source.rows.map((r) => JSON.stringify(r, bigintReplacer)).join('\n'));
      return {
        sql: `SELECT * FROM read_json(${sqlPath(file)}, format = 'newline_delimited')`,
        description: `the ${source.rows.length} rows given`,
        release: () => fs.rm(file, { force: true }),
      };
    }
  }
}

/**
 * A file source checked on a connection of its own (the relation it gives is plain SQL,
 * usable anywhere); `target` is the schema of the table it will be written to.
 */
export function checkedFileSource(source: DataSource, target?: StructType): Promise<SourceRelation> {
  return withConnection((connection) => sourceRelation(source, connection, target));
}

/** A `.json` file holding one array (not JSON lines): DuckDB reads it whole, unchecked line by line. */
async function isJsonArray(file: string): Promise<boolean> {
  let head = '';
  for await (const chunk of decompressedStream(file)! as AsyncIterable<Buffer>) {
    head += chunk.toString('utf8');
    if (head.trim().length > 0) break;
  }
  return /^\uFEFF?\s*\[/.test(head);
}

function jsonLinesRelation(file: string, staged: string | undefined, target: StructType | undefined): string {
  if (staged) return `SELECT * FROM read_json(${sqlPath(staged)}, format = 'newline_delimited')`;
  // No good line: an empty relation with the table's columns, so an append of nothing commits nothing new.
  if (target)
    return `SELECT ${target.fields.map((f) => `CAST(NULL AS ${duckdbType(f.type)}) AS ${quoteIdent(f.name)}`).join(', ')} WHERE false`;
  throw new InvalidArgumentError(`${file} has no rows to take the table's columns from.`, { file });
}

function bigintReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}
