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
 * Rows of a query as plain JSON-compatible objects, 64-bit integers narrowed as
 * `narrowWideIntegers` says.
 */
export async function queryRows(connection: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
  const reader = await connection.runAndReadAll(sql);
  const rows = reader.getRowObjectsJson() as Record<string, unknown>[];
  const names = reader.columnNames();
  return narrowWideIntegers(
    rows,
    reader.columnTypes().flatMap((type, i) => (WIDE_INTEGERS.has(type.typeId) ? [names[i]!] : [])),
  );
}

/**
 * DuckDB's JSON conversion gives 64-bit integers as strings; in the named top-level
 * columns, those that fit in 2^53 become numbers (larger ones stay strings, so no
 * value is silently rounded). Rows are changed in place and returned.
 */
export function narrowWideIntegers<Row extends Record<string, unknown> | unknown[]>(
  rows: Row[],
  columns: ReadonlyArray<string | number>,
): Row[] {
  for (const row of rows) {
    const cells = row as Record<string | number, unknown>;
    for (const column of columns) {
      const value = cells[column];
      if (typeof value === 'string' && Number.isSafeInteger(Number(value))) cells[column] = Number(value);
    }
  }
  return rows;
}

export const WIDE_INTEGERS: ReadonlySet<DuckDBTypeId> = new Set([
  DuckDBTypeId.BIGINT,
  DuckDBTypeId.UBIGINT,
  DuckDBTypeId.HUGEINT,
  DuckDBTypeId.UHUGEINT,
]);
