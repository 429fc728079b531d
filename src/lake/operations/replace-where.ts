/**
 * Overwrite with a predicate (`replaceWhere`): the rows matching a SQL predicate are
 * replaced by the new data, which must itself match the predicate. Files whose rows
 * all match are removed; files where only some match are removed and their other
 * rows rewritten, so rows outside the predicate are never lost.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { AddFile } from '../log/actions.js';
import { writeDataFiles, type DataLayout } from '../write/data-writer.js';
import { InvalidTableOperationError } from '../errors.js';
import { bindScan } from '../read/scan.js';
import { quoteIdent, quoteLiteral } from '../log/schema.js';
import type { Transaction } from '../transaction/transaction.js';

const FILE_COLUMN = '__strata_file';

export async function rewriteMatching(
  connection: DuckDBConnection,
  txn: Transaction,
  predicate: string,
  newRows: string,
  layout: DataLayout,
): Promise<void> {
  const outside = await count(
    connection,
    `SELECT count(*) FROM (${newRows}) WHERE NOT coalesce((${predicate}), false)`,
    predicate,
  );
  if (outside > 0) {
    throw new InvalidTableOperationError(
      `${outside} row(s) of the new data do not match replaceWhere (${predicate}); every written row must match it.`,
      { predicate, rowsOutside: outside },
    );
  }
  const snapshot = txn.snapshot;
  const scan = await bindScan(connection, snapshot, { fileColumn: FILE_COLUMN });
  try {
    const byPath = new Map(scan.localPaths.map((p, i) => [p, scan.files[i]!]));
    const reader = await connection.runAndReadAll(
      `SELECT ${FILE_COLUMN} AS file, count(*) FILTER (WHERE coalesce((${predicate}), false)) AS matched, count(*) AS total
       FROM ${quoteIdent(scan.view)} GROUP BY ${FILE_COLUMN}`,
    );
    const touched: AddFile[] = [];
    const partial: string[] = [];
    for (const row of reader.getRowObjectsJson()) {
      const matched = Number(row.matched);
      if (matched === 0) continue;
      const file = byPath.get(String(row.file))!;
      touched.push(file);
      if (matched < Number(row.total)) partial.push(String(row.file));
    }
    // The outcome depends on every file (any could have held matching rows).
    txn.readFiles(snapshot.files).removeFiles(touched);
    if (partial.length > 0) {
      const columns = snapshot.schema.fields.map((f) => quoteIdent(f.name)).join(', ');
      const kept = `SELECT ${columns} FROM ${quoteIdent(scan.view)} WHERE ${FILE_COLUMN} IN (${partial.map(quoteLiteral).join(', ')}) AND NOT coalesce((${predicate}), false)`;
      const rewritten = await writeDataFiles(connection, snapshot.store, layout, kept);
      txn.addFiles(rewritten.adds);
    }
  } finally {
    await scan.release();
  }
}

async function count(connection: DuckDBConnection, sql: string, predicate: string): Promise<number> {
  try {
    return Number((await connection.runAndReadAll(sql)).getRowsJson()[0]![0]);
  } catch (error) {
    throw new InvalidTableOperationError(
      `replaceWhere predicate (${predicate}) cannot be evaluated: ${error instanceof Error ? error.message : String(error)}`,
      { predicate },
    );
  }
}
