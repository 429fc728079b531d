/**
 * OPTIMIZE: compaction of small files (bin-packing) and Z-ordering, as one Delta
 * transaction with operation `OPTIMIZE` (optimize-bins.ts says which files, zorder.ts
 * how rows are ordered).
 *
 * Guarantees: the rows of the table are unchanged — every rewritten file is removed and
 * its live rows (deletion vectors applied, so deleted rows are purged) are in the new
 * files; removes and adds carry `dataChange: false`, so streaming readers and the change
 * feed skip the commit. The transaction records the files it rewrites as read: a
 * concurrent commit that removes or replaces any of them (a DELETE, UPDATE, another
 * OPTIMIZE) makes this one fail with CommitConflictError instead of resurrecting rows,
 * while concurrent appends do not conflict. On failure the files written are deleted
 * and nothing is committed.
 *
 * Sizes (Delta's defaults): files are written up to `targetFileSize` bytes — the
 * option, else the table property `delta.targetFileSize`, else 1 GiB, Delta's
 * `spark.databricks.delta.optimize.maxFileSize`. Files smaller than `minFileSize`
 * (default: the target, as Delta's `optimize.minFileSize` equals its max) are compacted.
 */
import { silentProgress, type ProgressReporter } from '../../core/index.js';
import type { AddFile } from '../log/actions.js';
import type { DataLayout } from '../write/data-writer.js';
import { withConnection } from '../../duckdb/index.js';
import { InvalidTableOperationError } from '../errors.js';
import { relativeKey } from '../log/file-paths.js';
import { planBins } from './optimize-bins.js';
import { rewriteBin, rewriteZordered } from './optimize-rewrite.js';
import { filesInPartitions } from './optimize-where.js';
import { afterCommit } from '../transaction/post-commit.js';
import { assertWritable, assertWritableSchema } from '../log/protocol.js';
import { findField, physicalName } from '../log/schema.js';
import { Snapshot } from '../log/snapshot.js';
import { statsLeaves } from '../write/stats.js';
import { Transaction } from '../transaction/transaction.js';
import type { ZorderColumn } from './zorder.js';

/** Delta's `spark.databricks.delta.optimize.maxFileSize`: 1 GiB. */
export const DEFAULT_OPTIMIZE_FILE_SIZE = 1024 ** 3;
/** Delta's `spark.databricks.delta.optimize.maxDeletedRowsRatio`. */
export const DEFAULT_MAX_DELETED_ROWS_RATIO = 0.05;

export interface OptimizeOptions {
  /** SQL predicate on partition columns only: optimize just the matching partitions. */
  readonly where?: string;
  /** Z-order each partition by these (non-partition) columns. */
  readonly zorderBy?: readonly string[];
  /** Largest file written, in bytes (default: `delta.targetFileSize`, else 1 GiB). */
  readonly targetFileSize?: number;
  /** Files smaller than this are compacted (default: the target size). */
  readonly minFileSize?: number;
  /** Larger files are rewritten when their deletion vector hides more than this share of rows (default 0.05). */
  readonly maxDeletedRowsRatio?: number;
  readonly progress?: ProgressReporter;
}

export interface OptimizeMetrics {
  readonly numFilesAdded: number;
  readonly numFilesRemoved: number;
  readonly numBytesAdded: number;
  readonly numBytesRemoved: number;
  readonly partitionsOptimized: number;
  readonly numBins: number;
  /** Files that were candidates (in the selected partitions and small, or all of them when Z-ordering). */
  readonly totalConsideredFiles: number;
  /** Files of the selected partitions left as they were. */
  readonly totalFilesSkipped: number;
  readonly numDeletionVectorsRemoved: number;
  readonly numDeletionVectorRowsRemoved: number;
  readonly zOrderBy: readonly string[];
}

export interface OptimizeResult {
  /** The version written, or the snapshot's version when there was nothing to do. */
  readonly version: number;
  readonly committed: boolean;
  /** The table after the commit (the input snapshot when nothing was committed). */
  readonly snapshot: Snapshot;
  readonly metrics: OptimizeMetrics;
}

/** A snapshot, or anything holding one (a DeltaTable). */
export type SnapshotSource = Snapshot | { readonly snapshot: Snapshot };

export async function optimize(table: SnapshotSource, options: OptimizeOptions = {}): Promise<OptimizeResult> {
  const snapshot = table instanceof Snapshot ? table : table.snapshot;
  assertWritable(snapshot.protocol, snapshot.location);
  assertWritableSchema(snapshot.schema, snapshot.location);
  const maxFileSize = options.targetFileSize ?? tablePropertySize(snapshot) ?? DEFAULT_OPTIMIZE_FILE_SIZE;
  const minFileSize = options.minFileSize ?? maxFileSize;
  const maxDeletedRowsRatio = options.maxDeletedRowsRatio ?? DEFAULT_MAX_DELETED_ROWS_RATIO;
  positive('targetFileSize', maxFileSize);
  positive('minFileSize', minFileSize);
  if (!(maxDeletedRowsRatio >= 0 && maxDeletedRowsRatio <= 1)) {
    throw new InvalidTableOperationError(`maxDeletedRowsRatio must be between 0 and 1, not ${maxDeletedRowsRatio}.`, {
      maxDeletedRowsRatio,
    });
  }
  const zorderBy = zorderColumns(snapshot, options.zorderBy ?? []);
  const progress = options.progress ?? silentProgress;
  const layout: DataLayout = {
    schema: snapshot.schema,
    partitionColumns: snapshot.partitionColumns,
    columnMapping: snapshot.columnMapping,
    configuration: snapshot.configuration,
    targetFileSize: maxFileSize,
  };

  const added: AddFile[] = [];
  let result: OptimizeResult;
  try {
    const outcome = await withConnection(async (connection) => {
      const selected =
        options.where !== undefined ? await filesInPartitions(connection, snapshot, options.where) : snapshot.files;
      const plan = planBins(selected, { maxFileSize, minFileSize, maxDeletedRowsRatio, zorder: zorderBy.length > 0 });
      const removed = plan.bins.flatMap((b) => b.files);
      const metrics = {
        partitionsOptimized: new Set(plan.bins.map((b) => JSON.stringify(b.partitionValues))).size,
        numBins: plan.bins.length,
        totalConsideredFiles: plan.consideredFiles,
        totalFilesSkipped: selected.length - removed.length,
        zOrderBy: zorderBy.map((c) => c.name),
      };
      if (plan.bins.length === 0) return { metrics, removed };
      for (const [i, bin] of plan.bins.entries()) {
        progress.update('optimize: rewriting files', i, plan.bins.length);
        const written =
          zorderBy.length > 0
            ? await rewriteZordered(connection, snapshot, bin, layout, zorderBy, maxFileSize)
            : await rewriteBin(connection, snapshot, bin, layout);
        added.push(...written);
      }
      progress.update('optimize: rewriting files', plan.bins.length, plan.bins.length);
      return { metrics, removed };
    });
    const { removed } = outcome;
    const metrics: OptimizeMetrics = {
      ...outcome.metrics,
      numFilesAdded: added.length,
      numFilesRemoved: removed.length,
      numBytesAdded: sum(added.map((f) => f.size)),
      numBytesRemoved: sum(removed.map((f) => f.size)),
      numDeletionVectorsRemoved: removed.filter((f) => f.deletionVector).length,
      numDeletionVectorRowsRemoved: sum(removed.map((f) => f.deletionVector?.cardinality ?? 0)),
    };
    if (removed.length === 0) return { version: snapshot.version, committed: false, snapshot, metrics };

    const txn = new Transaction(snapshot, {
      operation: 'OPTIMIZE',
      operationParameters: {
        predicate: JSON.stringify(options.where !== undefined ? [options.where] : []),
        zOrderBy: JSON.stringify(zorderBy.map((c) => c.name)),
        auto: false,
      },
    });
    // Depends on exactly the files rewritten: a concurrent remove of one is a conflict,
    // a concurrent append is not (the predicate accepts no added file).
    txn
      .readFiles(removed, () => false)
      .removeFiles(removed, Date.now(), false)
      .addFiles(added.map((f) => ({ ...f, dataChange: false })))
      .setMetrics(commitMetrics(metrics, added));
    const commit = await txn.commit();
    result = { version: commit.version, committed: true, snapshot: commit.snapshot, metrics };
  } catch (error) {
    // Nothing names these files yet: remove them so a failed OPTIMIZE leaves no orphans.
    await Promise.all(added.map((f) => snapshot.store.delete(relativeKey(f.path) ?? f.path).catch(() => undefined)));
    throw error;
  }
  await afterCommit(result.snapshot);
  return result;
}

/** The Z-order columns by their schema names; each must be a data column with stats. */
function zorderColumns(snapshot: Snapshot, names: readonly string[]): ZorderColumn[] {
  const schema = snapshot.schema;
  const partitions = new Set(snapshot.partitionColumns.map((c) => c.toLowerCase()));
  const leaves = statsLeaves(schema, snapshot.columnMapping, snapshot.partitionColumns, snapshot.configuration);
  const resolved: ZorderColumn[] = [];
  for (const name of names) {
    const field = findField(schema, name);
    if (!field) {
      throw new InvalidTableOperationError(
        `ZORDER BY column "${name}" is not in the table (${schema.fields.map((f) => f.name).join(', ')}).`,
        { column: name },
      );
    }
    if (partitions.has(field.name.toLowerCase())) {
      throw new InvalidTableOperationError(
        `ZORDER BY column "${field.name}" is a partition column; Z-order by data columns only (each partition is Z-ordered on its own).`,
        { column: field.name },
      );
    }
    if (typeof field.type !== 'string' || field.type === 'boolean') {
      throw new InvalidTableOperationError(
        `ZORDER BY column "${field.name}" has type ${JSON.stringify(field.type)}; Z-order needs a column with min/max statistics (numbers, strings, dates, timestamps).`,
        { column: field.name },
      );
    }
    const physical = physicalName(field, snapshot.columnMapping);
    if (!leaves.some((leaf) => leaf.path.length === 1 && leaf.path[0] === physical)) {
      throw new InvalidTableOperationError(
        `ZORDER BY column "${field.name}" has no statistics collected (see delta.dataSkippingNumIndexedCols / delta.dataSkippingStatsColumns), so Z-ordering by it would not help data skipping.`,
        { column: field.name },
      );
    }
    if (resolved.some((c) => c.name === field.name))
      throw new InvalidTableOperationError(`ZORDER BY lists column "${field.name}" twice.`, { column: field.name });
    resolved.push({ name: field.name, type: field.type });
  }
  return resolved;
}

/** `delta.targetFileSize` in bytes: a number, optionally with a unit (`128mb`, `1gb`). */
function tablePropertySize(snapshot: Snapshot): number | undefined {
  const text = snapshot.configuration['delta.targetFileSize'];
  if (text === undefined) return undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(b|k|kb|m|mb|g|gb|t|tb)?\s*$/i.exec(text);
  if (!match) {
    throw new InvalidTableOperationError(
      `Table property delta.targetFileSize = "${text}" is not a size; use bytes or a unit such as 128mb.`,
      { property: 'delta.targetFileSize', value: text },
    );
  }
  const unit = (match[2] ?? 'b').toLowerCase()[0]!;
  const scale = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[unit as 'b' | 'k' | 'm' | 'g' | 't'];
  return Math.round(Number(match[1]) * scale);
}

function positive(name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0)
    throw new InvalidTableOperationError(`OPTIMIZE ${name} must be a positive number of bytes, not ${value}.`, {
      [name]: value,
    });
}

/** Delta's OPTIMIZE operationMetrics (file sizes are of the files added). */
function commitMetrics(metrics: OptimizeMetrics, added: readonly AddFile[]): Record<string, number> {
  const sizes = added.map((f) => f.size).sort((a, b) => a - b);
  const pick = (q: number) =>
    sizes.length === 0 ? 0 : sizes[Math.min(sizes.length - 1, Math.floor(q * sizes.length))]!;
  return {
    numRemovedFiles: metrics.numFilesRemoved,
    numRemovedBytes: metrics.numBytesRemoved,
    numAddedFiles: metrics.numFilesAdded,
    numAddedBytes: metrics.numBytesAdded,
    minFileSize: sizes[0] ?? 0,
    p25FileSize: pick(0.25),
    p50FileSize: pick(0.5),
    p75FileSize: pick(0.75),
    maxFileSize: sizes[sizes.length - 1] ?? 0,
    numDeletionVectorsRemoved: metrics.numDeletionVectorsRemoved,
    numDeletionVectorRowsRemoved: metrics.numDeletionVectorRowsRemoved,
  };
}

function sum(values: readonly number[]): number {
  return values.reduce((n, v) => n + v, 0);
}
