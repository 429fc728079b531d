/**
 * `strata sql --out`: a query's whole result to a file, or with `--out -` to standard
 * output (CSV by default, or `--format jsonl|parquet`) for piping into other tools. On
 * stdout there is nothing but the result; the row count goes to stderr. DuckDB writes
 * the result to a private temporary file (its COPY needs a file it can create), which is
 * then streamed to stdout and removed: rows never gather in memory.
 */
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { InvalidArgumentError } from '../core/index.js';
import { copySql, type ExportFormat, type ExportResult, type SqlSession } from '../engine/index.js';
import { countText } from './text-table.js';

export const OUT_FORMATS = ['csv', 'jsonl', 'parquet'] as const;
export type OutFormat = (typeof OUT_FORMATS)[number];

const EXPORT_FORMAT: Readonly<Record<OutFormat, ExportFormat>> = { csv: 'csv', jsonl: 'json', parquet: 'parquet' };
const EXTENSION: Readonly<Record<OutFormat, string>> = { csv: '.csv', jsonl: '.jsonl', parquet: '.parquet' };

/** Writes the query's result to `out` (a file, or `-` for stdout); `format` overrides the file's extension. */
export async function writeOut(
  session: SqlSession | undefined,
  sql: string,
  out: string,
  format: OutFormat | undefined,
): Promise<void> {
  if (out === '-') {
    const chosen = format ?? 'csv';
    const written = await toStdout(session, sql, chosen);
    process.stderr.write(`(${countText(written.rowCount, 'row')} written to stdout as ${chosen})\n`);
    return;
  }
  const written = await copy(session, sql, out, format === undefined ? undefined : EXPORT_FORMAT[format]);
  process.stdout.write(`wrote ${countText(written.rowCount, 'row')} to ${written.path} (${written.format})\n`);
}

/** `--format` alone has nothing to format: say which flag it needs. */
export function checkFormatNeedsOut(format: OutFormat | undefined, out: string | undefined): void {
  if (format !== undefined && out === undefined)
    throw new InvalidArgumentError(
      `--format ${format} applies to --out: add --out - to write the result to stdout, or --out FILE.`,
      { format },
    );
}

async function toStdout(session: SqlSession | undefined, sql: string, format: OutFormat): Promise<ExportResult> {
  const directory = mkdtempSync(path.join(tmpdir(), 'strata-out-'));
  try {
    const file = path.join(directory, `result${EXTENSION[format]}`);
    const written = await copy(session, sql, file, EXPORT_FORMAT[format]);
    for await (const chunk of createReadStream(file)) {
      if (!process.stdout.write(chunk as Buffer)) await once(process.stdout, 'drain');
    }
    return written;
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

function copy(
  session: SqlSession | undefined,
  sql: string,
  file: string,
  format: ExportFormat | undefined,
): Promise<ExportResult> {
  const options = format === undefined ? {} : { format };
  return session
    ? session.withBoundSql(sql, (connection, bound) => copySql(bound, file, { connection, ...options }))
    : copySql(sql, file, options);
}
