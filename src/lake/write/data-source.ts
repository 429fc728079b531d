/**
 * Where rows to write come from: a DuckDB query, JavaScript rows, or a Parquet, CSV
 * or JSON-lines file. Each becomes a SQL relation on the writer's connection.
 */
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { InvalidArgumentError } from '../../core/index.js';
import { stagingDirectory, sqlPath } from './local-files.js';

export type DataSource =
  | { readonly kind: 'sql'; readonly sql: string }
  | { readonly kind: 'rows'; readonly rows: readonly Readonly<Record<string, unknown>>[] }
  | { readonly kind: 'file'; readonly path: string; readonly format?: FileFormat };

export type FileFormat = 'parquet' | 'csv' | 'json';

export const fromSql = (sql: string): DataSource => ({ kind: 'sql', sql });
export const fromRows = (rows: readonly Readonly<Record<string, unknown>>[]): DataSource => ({ kind: 'rows', rows });
export const fromFile = (file: string, format?: FileFormat): DataSource => ({
  kind: 'file',
  path: file,
  ...(format ? { format } : {}),
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

export async function sourceRelation(source: DataSource): Promise<SourceRelation> {
  switch (source.kind) {
    case 'sql':
      return { sql: source.sql, description: 'the query', release: async () => {} };
    case 'file': {
      const format = source.format ?? formatOf(source.path);
      const file = sqlPath(path.resolve(source.path));
      const reader =
        format === 'parquet' ? `read_parquet(${file})` : format === 'csv' ? `read_csv(${file})` : `read_json(${file})`;
      return { sql: `SELECT * FROM ${reader}`, description: `${source.path} (as ${format})`, release: async () => {} };
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

function bigintReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}
