/**
 * Running a query the two ways the sql suite compares: through Strata (`runSql`, with
 * `delta_scan` bound to a snapshot and data skipping), and directly by DuckDB on the
 * lake's shared instance. The DuckDB side fetches and converts its result exactly as
 * `runSql` does (streamed chunks, JSON values), so only the lake's part differs.
 */
import { JsonDuckDBValueConverter, type Json } from '@duckdb/node-api';
import { withDeltaSql, type DeltaSqlOptions, type ScanReport } from '../../src/engine/index.js';
import { withConnection } from '../../src/lake/index.js';

export type Rows = Json[][];

/** A query straight on DuckDB (no delta_scan), its result converted as runSql converts. */
export async function duckdbRows(sql: string): Promise<Rows> {
  return withConnection(async (connection) => {
    const result = await connection.stream(sql);
    const rows: Rows = [];
    for await (const chunk of result) rows.push(...(chunk.convertRows(JsonDuckDBValueConverter) as Rows));
    return rows;
  });
}

/** What data skipping did for each delta_scan of the query (binds the query, runs nothing). */
export async function scanReports(sql: string, options: DeltaSqlOptions = {}): Promise<readonly ScanReport[]> {
  return withDeltaSql(sql, options, async (bound) => bound.scans);
}

/** `kept/total files` for a query's first delta_scan. */
export function filesKept(scans: readonly ScanReport[]): string {
  const scan = scans[0];
  return scan ? `${scan.filesKept}/${scan.filesTotal} files` : 'no scan';
}

/** Throws unless two results hold the same rows (numbers equal to a relative 1e-9: sums may add in another order). */
export function assertSameRows(what: string, a: readonly (readonly Json[])[], b: readonly (readonly Json[])[]): void {
  const fail = (detail: string) => {
    throw new Error(`${what}: results differ (${detail})`);
  };
  if (a.length !== b.length) fail(`${a.length} vs ${b.length} rows`);
  a.forEach((row, r) => {
    const other = b[r]!;
    if (row.length !== other.length) fail(`row ${r} has ${row.length} vs ${other.length} columns`);
    row.forEach((value, c) => {
      const x = Number(value);
      const y = Number(other[c]);
      const same =
        typeof value === 'number' || typeof other[c] === 'number'
          ? Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x), Math.abs(y))
          : JSON.stringify(value) === JSON.stringify(other[c]);
      if (!same) fail(`row ${r} column ${c}: ${JSON.stringify(value)} vs ${JSON.stringify(other[c])}`);
    });
  });
}
