/**
 * Writing a query's full result to a file with DuckDB's `COPY (query) TO`: Parquet, CSV
 * (with a header) or JSON lines, chosen by the file's extension, with the result's
 * column names. DuckDB streams the rows to the file; none pass through JavaScript.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { InvalidArgumentError } from '../../core/index.js';
import { quoteLiteral } from '../../lake/index.js';
import { withDeltaSql, type DeltaSqlOptions } from './delta-scan-sql.js';
import { UnsupportedStatementError } from '../errors.js';
import { significant, tokenize } from './sql-tokenizer.js';

export type ExportFormat = 'parquet' | 'csv' | 'json';

export interface ExportResult {
  /** The absolute path written. */
  readonly path: string;
  readonly format: ExportFormat;
  readonly rowCount: number;
}

const EXTENSIONS: ReadonlyArray<readonly [string, ExportFormat]> = [
  ['.parquet', 'parquet'],
  ['.csv', 'csv'],
  ['.jsonl', 'json'],
  ['.ndjson', 'json'],
  ['.json', 'json'],
];

/** The export format of a file name; a trailing .gz or .zst compresses CSV and JSON (DuckDB infers it). */
export function exportFormatOf(file: string): ExportFormat {
  const lower = file.toLowerCase();
  const base = lower.replace(/\.(gz|zst)$/, '');
  const match = EXTENSIONS.find(([extension]) => base.endsWith(extension));
  if (!match || (match[1] === 'parquet' && base !== lower)) {
    throw new InvalidArgumentError(
      `Cannot tell the output format of ${file} from its extension; use ${EXTENSIONS.map(([e]) => e).join(', ')}.`,
      { file },
    );
  }
  return match[1];
}

/** Runs one query and writes its whole result to `file` (replacing it); returns the row count. */
export async function copySql(
  sql: string,
  file: string,
  options: DeltaSqlOptions & { format?: ExportFormat } = {},
): Promise<ExportResult> {
  const format = options.format ?? exportFormatOf(file);
  const query = singleStatement(sql);
  const target = path.resolve(file);
  await fs.mkdir(path.dirname(target), { recursive: true });
  const copyOptions =
    format === 'csv' ? 'FORMAT csv, HEADER true' : format === 'json' ? 'FORMAT json' : 'FORMAT parquet';
  return withDeltaSql(query, options, async (bound) => {
    const reader = await bound.connection.runAndReadAll(
      `COPY (${bound.sql}\n) TO ${quoteLiteral(target)} (${copyOptions})`,
    );
    const count = reader.getRowsJson()[0]?.[0];
    return { path: target, format, rowCount: Number(count ?? reader.rowsChanged) };
  });
}

/** The SQL without trailing semicolons; more than one statement cannot be copied. */
function singleStatement(sql: string): string {
  const tokens = significant(tokenize(sql));
  while (tokens.length > 0 && tokens[tokens.length - 1]!.text === ';') tokens.pop();
  if (tokens.length === 0) throw new UnsupportedStatementError('There is no query to run: the SQL is empty.');
  const separator = tokens.find((t) => t.text === ';');
  if (separator) {
    throw new UnsupportedStatementError(
      `Only one query can be written to a file, but the SQL has more than one statement (a ; at offset ${separator.start}).`,
      { offset: separator.start },
    );
  }
  return sql.slice(0, tokens[tokens.length - 1]!.end);
}
