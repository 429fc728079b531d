/**
 * OPTIMIZE's rewrites of one bin (optimize-bins.ts): read the bin's live rows through a
 * scan (deletion vectors applied) and write them as new files of the table. The adds
 * returned carry dataChange true; the caller commits them.
 */
import { randomUUID } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { AddFile } from '../log/actions.js';
import { writeDataFiles, type DataLayout } from '../write/data-writer.js';
import type { Bin } from './optimize-bins.js';
import { bindScan } from '../read/scan.js';
import { quoteIdent } from '../log/schema.js';
import type { Snapshot } from '../log/snapshot.js';
import { zorderedRelation, type ZorderColumn } from './zorder.js';

const Z_COLUMN = '__strata_zvalue';

/** One bin → its live rows, written as files of at most the target size. */
export async function rewriteBin(
  connection: DuckDBConnection,
  snapshot: Snapshot,
  bin: Bin,
  layout: DataLayout,
): Promise<AddFile[]> {
  const scan = await bindScan(connection, snapshot, { files: bin.files });
  try {
    return (await writeDataFiles(connection, snapshot.store, layout, `SELECT * FROM ${quoteIdent(scan.view)}`)).adds;
  } finally {
    await scan.release();
  }
}

/**
 * One partition → its rows sorted by Z-value and cut into ⌈bytes / target⌉ files of
 * consecutive Z-values (equal row counts), so each file covers a compact region.
 * The sorted rows are materialized once; a table created from an ordered query keeps
 * that order in its row ids, so each file is a row-id range of it.
 */
export async function rewriteZordered(
  connection: DuckDBConnection,
  snapshot: Snapshot,
  bin: Bin,
  layout: DataLayout,
  columns: readonly ZorderColumn[],
  maxFileSize: number,
): Promise<AddFile[]> {
  const scan = await bindScan(connection, snapshot, { files: bin.files });
  const sorted = `__strata_zorder_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  try {
    const zordered = await zorderedRelation(connection, `SELECT * FROM ${quoteIdent(scan.view)}`, columns, Z_COLUMN);
    await connection.run(
      `CREATE TEMP TABLE ${quoteIdent(sorted)} AS SELECT * FROM (${zordered}) ORDER BY ${quoteIdent(Z_COLUMN)}`,
    );
    const rows = Number(
      (await connection.runAndReadAll(`SELECT count(*) FROM temp.${quoteIdent(sorted)}`)).getRowsJson()[0]![0],
    );
    const numFiles = Math.max(1, Math.min(rows, Math.ceil(bin.bytes / maxFileSize)));
    const adds: AddFile[] = [];
    for (let file = 0; file < numFiles; file++) {
      const from = Math.floor((file * rows) / numFiles);
      const to = Math.floor(((file + 1) * rows) / numFiles);
      const range = `SELECT * FROM temp.${quoteIdent(sorted)} WHERE rowid >= ${from} AND rowid < ${to} ORDER BY rowid`;
      adds.push(...(await writeDataFiles(connection, snapshot.store, layout, range)).adds);
    }
    return adds;
  } finally {
    await connection.run(`DROP TABLE IF EXISTS temp.${quoteIdent(sorted)}`);
    await scan.release();
  }
}
