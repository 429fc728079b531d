/**
 * What a statement returns, and the small constructors the session and its executors
 * share. Kept apart from sql-session.ts so the executors do not import the session that
 * imports them.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteIdentifier, type Catalog } from '../../catalog/index.js';
import type { SqlColumn, SqlValue } from '../sql/sql-results.js';
import type { Statement, TableRef } from '../sql/statement-parser.js';

/** What the statement executors need of their session (SqlSession implements it). */
export interface ExecutionSession {
  readonly catalog: Catalog;
  withBoundSql<T>(
    sql: string,
    work: (connection: DuckDBConnection, bound: string) => Promise<T>,
    connection?: DuckDBConnection,
  ): Promise<T>;
}

export interface StatementResult {
  readonly statement: Statement['kind'];
  readonly columns: readonly SqlColumn[];
  readonly rows: readonly (readonly SqlValue[])[];
  /** Rows the statement produced (a query's full count even when `maxRows` cut them). */
  readonly rowCount: number;
  /** What a statement without a result set did, e.g. "deleted 3 rows". */
  readonly message?: string;
  /** The table version a writing statement committed. */
  readonly version?: number;
}

export function message(statement: Statement['kind'], text: string, version?: number): StatementResult {
  return {
    statement,
    columns: [],
    rows: [],
    rowCount: 0,
    message: text,
    ...(version !== undefined ? { version } : {}),
  };
}

/** A result with rows given as objects (all with the same keys). */
export function rowsResult(
  statement: Statement['kind'],
  rows: ReadonlyArray<Record<string, SqlValue>>,
  types: Readonly<Record<string, string>> = {},
): StatementResult {
  const names = rows.length > 0 ? Object.keys(rows[0]!) : Object.keys(types);
  return {
    statement,
    columns: names.map((name) => ({ name, type: types[name] ?? 'VARCHAR' })),
    rows: rows.map((row) => names.map((n) => row[n] ?? null)),
    rowCount: rows.length,
  };
}

/** A table reference as SQL text, each part quoted. */
export function nameOf(ref: TableRef): string {
  return ref.schema ? `${quoteIdentifier(ref.schema)}.${quoteIdentifier(ref.table)}` : quoteIdentifier(ref.table);
}
