/**
 * Reading a snapshot's rows into JavaScript (for tests, the CLI and small results).
 * Large reads should bind the scan on a connection and stream from DuckDB instead.
 */
import { queryRows, withConnection } from '../../duckdb/index.js';
import { bindScan } from './scan.js';
import { quoteIdent } from '../log/schema.js';
import type { Snapshot } from '../log/snapshot.js';

export async function readRows(
  snapshot: Snapshot,
  options: { where?: string; orderBy?: string; partitionTimeZone?: string } = {},
): Promise<Record<string, unknown>[]> {
  return withConnection(async (connection) => {
    const scan = await bindScan(
      connection,
      snapshot,
      options.partitionTimeZone ? { partitionTimeZone: options.partitionTimeZone } : {},
    );
    try {
      const where = options.where ? ` WHERE ${options.where}` : '';
      const order = options.orderBy ? ` ORDER BY ${options.orderBy}` : '';
      return await queryRows(connection, `SELECT * FROM ${quoteIdent(scan.view)}${where}${order}`);
    } finally {
      await scan.release();
    }
  });
}
