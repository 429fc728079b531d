/**
 * Running SQL with delta_scan and getting its result: fetched (optionally only the
 * first rows, still counting all), streamed batch by batch, or copied to a file.
 *
 * Values are JSON-compatible (DuckDB's JSON conversion): 64-bit integers become
 * numbers when they fit in 2^53 and strings otherwise (as the lake's queryRows does),
 * decimals and temporal values are strings, lists and structs are arrays and objects.
 */
import { JsonDuckDBValueConverter, type DuckDBDataChunk, type DuckDBResult, type Json } from '@duckdb/node-api';
import { bindDeltaSql, isStandalone, sqlError, withDeltaSql, type DeltaSqlOptions } from './delta-scan-sql.js';
import { parseSql } from './parsed-sql.js';
import { isOneQuery, planKeepable, runWithPlan } from './reused-plans.js';
import { WIDE_INTEGERS, narrowWideIntegers, sharedDuckdb } from '../../lake/index.js';

export type SqlValue = Json;

export interface SqlColumn {
  readonly name: string;
  /** DuckDB's SQL name of the type, e.g. BIGINT, VARCHAR, TIMESTAMP WITH TIME ZONE. */
  readonly type: string;
}

export interface SqlResult {
  readonly columns: readonly SqlColumn[];
  /** Rows as values in column order; at most `maxRows` of them when that was given. */
  readonly rows: readonly (readonly SqlValue[])[];
  /** Rows the query produced (may exceed rows.length when `maxRows` cut them). */
  readonly rowCount: number;
}

export interface SqlBatch {
  readonly columns: readonly SqlColumn[];
  readonly rows: readonly (readonly SqlValue[])[];
}

export interface RunSqlOptions extends DeltaSqlOptions {
  /** Keep only the first rows in memory (the rest are still counted). */
  readonly maxRows?: number;
}

/** Runs the SQL (the last statement's result is returned when there are several). */
export async function runSql(sql: string, options: RunSqlOptions = {}): Promise<SqlResult> {
  const limit = options.maxRows ?? Infinity;
  const inlineScans = options.inlineScans ?? isOneQuery(sql);
  const consume = async (result: DuckDBResult): Promise<SqlResult> => {
    const columns = columnsOf(result);
    const rows: SqlValue[][] = [];
    let rowCount = 0;
    for await (const chunk of result) {
      // Rows past the limit are only counted: converting them to JS would cost most of the time.
      if (rows.length < limit) rows.push(...convertChunk(chunk, result, limit - rows.length));
      rowCount += chunk.rowCount;
    }
    return { columns, rows, rowCount };
  };
  return withDeltaSql(sql, { ...options, inlineScans }, async (bound) => {
    // A plan of its own is kept only for a query on a connection of its own (a caller's connection has its own state).
    if (!options.connection && isStandalone(bound)) {
      const keepable = async () => planKeepable(await parseSql(bound.connection, sql));
      const kept = await runWithPlan(bound.sql, keepable, consume);
      if (kept) return kept.value;
    }
    return consume(await bound.connection.stream(bound.sql));
  });
}

/** Row objects keyed by column name (a repeated name gets DuckDB's `name:1` suffix). */
export function rowObjects(result: Pick<SqlResult, 'columns' | 'rows'>): Record<string, SqlValue>[] {
  const seen = new Map<string, number>();
  const keys = result.columns.map(({ name }) => {
    const n = seen.get(name) ?? 0;
    seen.set(name, n + 1);
    return n === 0 ? name : `${name}:${n}`;
  });
  return result.rows.map((row) => Object.fromEntries(keys.map((key, i) => [key, row[i] ?? null])));
}

/**
 * Streams the result in DuckDB's chunks (about 2,048 rows each). Holds a connection and
 * the views until the loop ends; breaking out of the loop releases them too.
 */
export async function* streamSql(
  sql: string,
  options: DeltaSqlOptions = {},
): AsyncGenerator<SqlBatch, void, undefined> {
  if (options.connection) {
    yield* streamOn(options.connection, sql, options);
    return;
  }
  // withConnection cannot span yields, so the generator owns its connection.
  const connection = await (await sharedDuckdb()).connect();
  try {
    yield* streamOn(connection, sql, options);
  } finally {
    connection.closeSync();
  }
}

async function* streamOn(
  connection: NonNullable<DeltaSqlOptions['connection']>,
  sql: string,
  options: DeltaSqlOptions,
): AsyncGenerator<SqlBatch, void, undefined> {
  const bound = await bindDeltaSql(connection, sql, options);
  try {
    const result = await connection.stream(bound.sql);
    const columns = columnsOf(result);
    for await (const chunk of result) yield { columns, rows: convertChunk(chunk, result, Infinity) };
  } catch (error) {
    throw sqlError(error, bound);
  } finally {
    await bound.release();
  }
}

function columnsOf(result: DuckDBResult): SqlColumn[] {
  return result.columnNames().map((name, i) => ({ name, type: result.columnType(i).toString() }));
}

function convertChunk(chunk: DuckDBDataChunk, result: DuckDBResult, limit: number): SqlValue[][] {
  const rows = chunk.convertRows(JsonDuckDBValueConverter).slice(0, limit) as SqlValue[][];
  return narrowWideIntegers(
    rows,
    result.columnTypes().flatMap((type, i) => (WIDE_INTEGERS.has(type.typeId) ? [i] : [])),
  );
}
