/**
 * Rows of a write body staged for the lake: written to a file in os.tmpdir() and
 * exposed as one SELECT with exactly the table's columns and types (columns the body
 * leaves out are NULL), so the append sees typed data and the grant checks run on the
 * same rows that get written. Checks, before anything is written: every body column
 * exists (400) and is writable by the principal (403), every value converts (400),
 * and every row satisfies the principal's row filter (403).
 */
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { quoteIdent, quoteLiteral, withConnection } from '../../lake/index.js';
import { ForbiddenError } from '../../catalog/index.js';
import { BadRequestError } from '../errors.js';
import type { RowsBody } from './body-parsers.js';
import { resolveColumn, type TableColumn } from './row-query-conditions.js';

export interface StagedRows {
  /** A SELECT of the rows with the table's column names and types. */
  readonly sql: string;
  readonly rowCount: number;
  release(): Promise<void>;
}

export interface StagingRules {
  /** Every column of the table, in order. */
  readonly columns: readonly TableColumn[];
  /** The columns the principal may write; null: all. */
  readonly writable: readonly string[] | null;
  readonly rowFilter: string | null;
}

export async function stageRows(body: Exclude<RowsBody, { kind: 'lines' }>, rules: StagingRules): Promise<StagedRows> {
  const file = path.join(os.tmpdir(), `strata-api-${randomUUID()}.${body.kind === 'parquet' ? 'parquet' : 'ndjson'}`);
  const release = () => fs.rm(file, { force: true });
  try {
    const sql =
      body.kind === 'parquet' ? await stageParquet(file, body.bytes, rules) : await stageJson(file, body.rows, rules);
    const rowCount = await checkRows(sql, rules.rowFilter);
    return { sql, rowCount, release };
  } catch (error) {
    await release();
    throw error;
  }
}

async function stageJson(
  file: string,
  rows: readonly Readonly<Record<string, unknown>>[],
  rules: StagingRules,
): Promise<string> {
  const names = new Map<string, string>();
  for (const row of rows)
    for (const key of Object.keys(row)) if (!names.has(key)) names.set(key, writableColumn(key, rules).name);
  await fs.writeFile(
    file,
    rows
      .map((row) => JSON.stringify(Object.fromEntries(Object.entries(row).map(([k, v]) => [names.get(k)!, v]))))
      .join('\n'),
  );
  const types = rules.columns.map((c) => `${quoteLiteral(c.name)}: ${quoteLiteral(c.type)}`).join(', ');
  return `SELECT ${rules.columns.map((c) => quoteIdent(c.name)).join(', ')} FROM read_json(${quoteLiteral(file)}, format = 'newline_delimited', columns = {${types}})`;
}

async function stageParquet(file: string, bytes: Buffer, rules: StagingRules): Promise<string> {
  await fs.writeFile(file, bytes);
  return projectOnto(`read_parquet(${quoteLiteral(file)})`, rules, 'The body is not a readable Parquet file');
}

/** A SELECT of `source`'s rows with exactly the table's columns and types; its columns must be writable. */
export async function projectOnto(source: string, rules: StagingRules, unreadable: string): Promise<string> {
  const present = await withConnection(async (connection) => {
    try {
      const reader = await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`);
      return reader.getRowObjectsJson().map((r) => String(r.column_name));
    } catch (error) {
      throw new BadRequestError(`${unreadable}: ${(error as Error).message}`, {}, { cause: error });
    }
  });
  const given = new Map(present.map((name) => [writableColumn(name, rules).name, name]));
  const list = rules.columns.map((c) => {
    const from = given.get(c.name);
    return `CAST(${from === undefined ? 'NULL' : `p.${quoteIdent(from)}`} AS ${c.type}) AS ${quoteIdent(c.name)}`;
  });
  return `SELECT ${list.join(', ')} FROM ${source} AS p`;
}

function writableColumn(name: string, rules: StagingRules): TableColumn {
  const column = resolveColumn(rules.columns, name);
  if (rules.writable !== null && !rules.writable.includes(column.name)) {
    throw new ForbiddenError(
      `Column "${column.name}" is not writable with this token; its grant allows ${rules.writable.join(', ')}.`,
      { column: column.name },
    );
  }
  return column;
}

/** Converts every value (a bad one is a 400) and counts the rows outside the row filter (403). */
export async function checkRows(sql: string, rowFilter: string | null, allowEmpty = false): Promise<number> {
  const outside = rowFilter === null ? '0' : `count(*) FILTER (WHERE NOT coalesce((${rowFilter}), false))`;
  const [count, bad] = await withConnection(async (connection) => {
    try {
      // hash(staged) reads every column: a bare count(*) would let DuckDB skip converting them.
      const reader = await connection.runAndReadAll(
        `SELECT count(*)::DOUBLE, (${outside})::DOUBLE, sum(hash(staged)) FROM (${sql}) AS staged`,
      );
      return (reader.getRows()[0] ?? [0, 0]).slice(0, 2).map(Number);
    } catch (error) {
      throw new BadRequestError(
        `The body's rows do not fit the table's columns: ${duckdbReason(error)}`,
        {},
        { cause: error },
      );
    }
  });
  if (!count && !allowEmpty) throw new BadRequestError('The body holds no rows; nothing was written.', {});
  if (bad)
    throw new ForbiddenError(
      `${bad} of the ${count} rows are outside the rows this token may write (its row filter: ${rowFilter}); nothing was written.`,
      { rows: bad },
    );
  return count ?? 0;
}

/** DuckDB's message without the staging file's path and its hints about read options. */
function duckdbReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message
    .split('\n')[0]!
    .replace(/ in file "[^"]*"/, '')
    .replace(/^Invalid Input Error: /, '');
}
