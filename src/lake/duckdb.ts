/**
 * The DuckDB instance the lake uses for Parquet I/O (reading checkpoints and data
 * files, writing data files and checkpoints). One in-memory instance per process,
 * created on first use; each operation takes its own connection so concurrent
 * operations do not share transaction state.
 */
import { DuckDBInstance, DuckDBTypeId, type DuckDBConnection } from '@duckdb/node-api';

let instance: Promise<DuckDBInstance> | undefined;

export function sharedDuckdb(): Promise<DuckDBInstance> {
  instance ??= (async () => {
    const created = await DuckDBInstance.create(':memory:');
    // Delta timestamps are UTC instants; tz-less partition values are read as UTC too.
    const connection = await created.connect();
    await connection.run("SET GLOBAL TimeZone = 'UTC'");
    connection.closeSync();
    return created;
  })();
  return instance;
}

export async function withConnection<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
  const connection = await (await sharedDuckdb()).connect();
  try {
    return await work(connection);
  } finally {
    connection.closeSync();
  }
}

/**
 * Rows of a query as plain JSON-compatible objects. Top-level 64-bit integers become
 * numbers when they fit in 2^53 (strings otherwise, so no value is silently rounded).
 */
export async function queryRows(connection: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
  const reader = await connection.runAndReadAll(sql);
  const rows = reader.getRowObjectsJson() as Record<string, unknown>[];
  const wide = reader.columnNames().filter((_, i) => WIDE_INTEGERS.has(reader.columnType(i).typeId));
  if (wide.length === 0) return rows;
  for (const row of rows) {
    for (const name of wide) {
      const value = row[name];
      if (typeof value === 'string' && Number.isSafeInteger(Number(value))) row[name] = Number(value);
    }
  }
  return rows;
}

const WIDE_INTEGERS: ReadonlySet<DuckDBTypeId> = new Set([DuckDBTypeId.BIGINT, DuckDBTypeId.UBIGINT, DuckDBTypeId.HUGEINT, DuckDBTypeId.UHUGEINT]);
