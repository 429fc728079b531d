/**
 * Turns a DML statement's row-level result into the actions of its commit.
 *
 * Input: which target rows go away (file + physical row index: deleted rows and the
 * old versions of updated ones), the new rows to write (new versions and inserts) and,
 * with the change data feed on, the change rows. Output, per touched file:
 * - every row gone → the file is removed;
 * - with deletion vectors → (path, old DV) is removed and (path, new DV) added with the
 *   same stats (`tightBounds: false`), the new DV being the old one plus the new rows;
 *   all DVs of the commit share one DV file;
 * - copy-on-write → the file is removed and its remaining rows rewritten.
 * Files without affected rows are never touched. New rows pass the table's constraints
 * inside the COPY that writes them, so a violation leaves nothing behind.
 */
import type { AddFile } from '../log/actions.js';
import { writeChangeData } from '../change-data/change-data-writer.js';
import { checkedRelation, withConstraintErrors } from '../write/constraints.js';
import { writeDataFiles } from '../write/data-writer.js';
import { mergedDeletedRows, writeDeletionVectors } from '../deletion-vectors/deletion-vector-writer.js';
import { FILE_COLUMN, ROW_COLUMN, type DmlContext, type FileChangeCounts } from './dml-context.js';
import { sqlPath } from '../write/local-files.js';
import { duckdbType, quoteIdent, quoteLiteral } from '../log/schema.js';
import type { Transaction } from '../transaction/transaction.js';

export interface RowChanges {
  /** A relation of distinct (FILE_COLUMN, ROW_COLUMN) pairs of target rows that go away. */
  readonly removed: string;
  /** New rows with the table's columns: new versions of updated rows, and inserts. */
  readonly added?: string;
  /** Change rows (the table's columns and `_change_type`); written only with the change data feed on. */
  readonly changes?: string;
  /**
   * Some rows are updated. Otherwise, when no file is only partly changed, the commit's
   * removes and adds alone say which rows were deleted and inserted, and change data
   * files are not needed (PROTOCOL.md, "Change Data Files").
   */
  readonly updates: boolean;
}

export interface RewriteCounts extends FileChangeCounts {
  readonly numRemovedRows: number;
}

interface TouchedFile {
  readonly path: string;
  readonly file: AddFile;
  readonly removed: number;
  readonly live: number;
}

export async function applyRowChanges(
  context: DmlContext,
  txn: Transaction,
  changes: RowChanges,
): Promise<RewriteCounts> {
  const touched = await touchedFiles(context, changes.removed);
  const emptied = touched.filter((t) => t.removed >= t.live);
  const partial = touched.filter((t) => t.removed < t.live);
  const parts: string[] = [];
  if (!context.deletionVectors && partial.length > 0) parts.push(keptRows(context, partial, changes.removed));
  if (changes.added) parts.push(checkedRelation(typed(context, changes.added), context.constraints));
  // New rows first: a constraint violation then fails the statement before any DV file exists.
  const written =
    parts.length === 0
      ? { adds: [], numBytes: 0 }
      : await withConstraintErrors(context.constraints, context.snapshot.location, context.operation, () =>
          writeDataFiles(context.connection, context.snapshot.store, context.layout, parts.join(' UNION ALL ')),
        );
  const dvs = context.deletionVectors
    ? await markDeleted(context, txn, partial, changes.removed)
    : { added: 0, updated: 0 };
  const rewritten = context.deletionVectors ? emptied : touched;
  txn.removeFiles(rewritten.map((t) => t.file)).addFiles(written.adds);

  let numAddedChangeFiles = 0;
  if (context.changeDataFeed && changes.changes && (changes.updates || partial.length > 0)) {
    const cdc = await writeChangeData(
      context.connection,
      context.snapshot.store,
      context.layout,
      typed(context, changes.changes, true),
    );
    txn.addCdcFiles(cdc.files);
    numAddedChangeFiles = cdc.files.length;
  }
  const copied = context.deletionVectors ? 0 : partial.reduce((n, t) => n + t.live - t.removed, 0);
  return {
    numRemovedRows: touched.reduce((n, t) => n + t.removed, 0),
    numCopiedRows: copied,
    numAddedFiles: written.adds.length,
    numRemovedFiles: rewritten.length,
    numAddedBytes: written.numBytes,
    numRemovedBytes: rewritten.reduce((n, t) => n + t.file.size, 0),
    numAddedChangeFiles,
    numDeletionVectorsAdded: dvs.added,
    numDeletionVectorsUpdated: dvs.updated,
    numDeletionVectorsRemoved: rewritten.filter((t) => t.file.deletionVector).length,
  };
}

/** The files holding removed rows, with how many rows each loses and how many it has. */
async function touchedFiles(context: DmlContext, removed: string): Promise<TouchedFile[]> {
  const rows = await context.query(
    `SELECT ${FILE_COLUMN} AS path, count(*) AS n FROM (${removed}) GROUP BY ALL`,
    'the affected rows',
  );
  const counted = rows.map((r) => ({
    path: String(r.path),
    removed: Number(r.n),
    file: context.fileByPath.get(String(r.path))!,
  }));
  const unknown = counted.filter((t) => physicalRows(t.file) === undefined);
  const liveCounts = new Map<string, number>();
  if (unknown.length > 0) {
    const live = await context.query(
      `SELECT ${FILE_COLUMN} AS path, count(*) AS n FROM ${quoteIdent(context.target.view)} WHERE ${FILE_COLUMN} IN (${unknown.map((t) => quoteLiteral(t.path)).join(', ')}) GROUP BY ALL`,
      'row counts',
    );
    for (const r of live) liveCounts.set(String(r.path), Number(r.n));
  }
  return counted.map((t) => ({
    ...t,
    live: liveCounts.get(t.path) ?? physicalRows(t.file)! - (t.file.deletionVector?.cardinality ?? 0),
  }));
}

/** Replaces each partially deleted file's entry by one with a DV holding its old and new deleted rows. */
async function markDeleted(
  context: DmlContext,
  txn: Transaction,
  files: readonly TouchedFile[],
  removed: string,
): Promise<{ added: number; updated: number }> {
  if (files.length === 0) return { added: 0, updated: 0 };
  const rows = await context.query(
    `SELECT ${FILE_COLUMN} AS path, list(${ROW_COLUMN} ORDER BY ${ROW_COLUMN}) AS rows FROM (${removed}) WHERE ${FILE_COLUMN} IN (${files.map((t) => quoteLiteral(t.path)).join(', ')}) GROUP BY ALL`,
    'the deleted row positions',
  );
  const positions = new Map(rows.map((r) => [String(r.path), (r.rows as Array<string | number>).map(Number)]));
  const store = context.snapshot.store;
  const merged = await Promise.all(
    files.map((t) => mergedDeletedRows(store, t.file.deletionVector, positions.get(t.path) ?? [])),
  );
  const descriptors = await writeDeletionVectors(store, merged);
  const numRecords = await Promise.all(files.map((t) => physicalRows(t.file) ?? parquetRowCount(context, t.path)));
  txn.removeFiles(files.map((t) => t.file));
  txn.addFiles(
    files.map((t, i): AddFile => ({
      ...t.file,
      dataChange: true,
      deletionVector: descriptors[i]!,
      // The spec requires numRecords (of the physical file) beside a DV; min/max stay bounds but are no longer tight.
      stats: JSON.stringify({ ...parseStats(t.file), numRecords: numRecords[i]!, tightBounds: false }),
    })),
  );
  const updated = files.filter((t) => t.file.deletionVector).length;
  return { added: files.length - updated, updated };
}

/** Copy-on-write: the rows of partially changed files that stay. */
function keptRows(context: DmlContext, files: readonly TouchedFile[], removed: string): string {
  const columns = context.snapshot.schema.fields.map((f) => `v.${quoteIdent(f.name)}`).join(', ');
  return (
    `SELECT ${columns} FROM ${quoteIdent(context.target.view)} AS v ANTI JOIN (${removed}) AS r ON v.${FILE_COLUMN} = r.${FILE_COLUMN} AND v.${ROW_COLUMN} = r.${ROW_COLUMN}` +
    ` WHERE v.${FILE_COLUMN} IN (${files.map((t) => quoteLiteral(t.path)).join(', ')})`
  );
}

/** The relation's table columns cast to the table's types (and `_change_type` when asked), in table order. */
function typed(context: DmlContext, relation: string, withChangeType = false): string {
  const columns = context.snapshot.schema.fields.map(
    (f) => `CAST(${quoteIdent(f.name)} AS ${duckdbType(f.type)}) AS ${quoteIdent(f.name)}`,
  );
  if (withChangeType) columns.push('_change_type');
  return `SELECT ${columns.join(', ')} FROM (${relation})`;
}

function parseStats(file: AddFile): Record<string, unknown> {
  if (!file.stats) return {};
  try {
    return JSON.parse(file.stats) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** Rows physically in the file, from its stats. */
function physicalRows(file: AddFile): number | undefined {
  const n = parseStats(file).numRecords;
  return typeof n === 'number' ? n : undefined;
}

async function parquetRowCount(context: DmlContext, localPath: string): Promise<number> {
  const rows = await context.query(
    `SELECT sum(num_rows) AS n FROM parquet_file_metadata(${sqlPath(localPath)})`,
    'the file row count',
  );
  return Number(rows[0]?.n ?? 0);
}
