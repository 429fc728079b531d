/**
 * What DELETE, UPDATE and MERGE share: their options and results, the target scan
 * (the candidate files bound with each row's file and physical row index, which is
 * what deletion vectors and copy-on-write rewrites need), temp tables on the
 * connection, and the table's write settings (deletion vectors, change data feed,
 * constraints). Every DML statement is one Delta transaction built on one snapshot.
 */
import { randomUUID } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import { asError } from '../../core/index.js';
import type { AddFile } from '../log/actions.js';
import type { IsolationLevel } from '../transaction/conflict-checker.js';
import { tableConstraints, type ConstraintRule } from '../write/constraints.js';
import type { DataLayout } from '../write/data-writer.js';
import { AppendOnlyTableError } from './dml-errors.js';
import { withConnection } from '../../duckdb/index.js';
import { InvalidTableOperationError } from '../errors.js';
import { changeDataFeedEnabled, deletionVectorsEnabled, isAppendOnly } from '../log/protocol.js';
import { bindScan, type ScanBinding } from '../read/scan.js';
import { columnMappingMode, quoteIdent } from '../log/schema.js';
import type { Snapshot } from '../log/snapshot.js';
import type { CommitResult, Transaction } from '../transaction/transaction.js';

export interface DmlOptions {
  /**
   * The files that can hold affected rows, pre-pruned by the engine's data skipping;
   * default every live file. Rows in other files are left alone.
   */
  readonly candidateFiles?: readonly AddFile[];
  /**
   * For conflict detection: which files a concurrent writer could add that this
   * statement would have had to read (e.g. the predicate's partitions); default any.
   */
  readonly readPredicate?: (file: AddFile) => boolean;
  /** Run on this connection (where the engine's views live); default a fresh one. */
  readonly connection?: DuckDBConnection;
  readonly isolationLevel?: IsolationLevel;
  /** Bytes per written file (copy-on-write rewrites and new row versions). */
  readonly targetFileSize?: number;
  /**
   * commitInfo.operationParameters to record instead of the computed ones: the SQL
   * front end passes the user's own text, which names tables rather than the views
   * they were bound to.
   */
  readonly operationParameters?: Readonly<Record<string, unknown>>;
}

/** Row and file counts of a DML commit, the same names for every statement kind. */
export interface DmlMetrics extends FileChangeCounts {
  readonly numDeletedRows: number;
  readonly numUpdatedRows: number;
  readonly numInsertedRows: number;
}

/** What rewriting rows did to a table's files, for any statement kind (row-rewriter.ts). */
export interface FileChangeCounts {
  /** Unchanged rows rewritten because they shared a file with changed ones (copy-on-write). */
  readonly numCopiedRows: number;
  readonly numAddedFiles: number;
  readonly numRemovedFiles: number;
  readonly numAddedBytes: number;
  readonly numRemovedBytes: number;
  readonly numAddedChangeFiles: number;
  readonly numDeletionVectorsAdded: number;
  readonly numDeletionVectorsUpdated: number;
  readonly numDeletionVectorsRemoved: number;
}

/**
 * What a DELETE, UPDATE or MERGE did: committed a version, or changed no row and so
 * committed nothing (as Delta writers do: an empty commit would fire streams and
 * invalidate caches for nothing), leaving the table at the version it read.
 */
export type DmlOutcome =
  | { readonly kind: 'committed'; readonly commit: CommitResult; readonly metrics: DmlMetrics }
  | { readonly kind: 'unchanged'; readonly version: number; readonly metrics: DmlMetrics };

/** Commits `txn` unless it has nothing to commit. */
export async function commitUnlessEmpty(txn: Transaction, metrics: DmlMetrics): Promise<DmlOutcome> {
  if (txn.isEmpty) return { kind: 'unchanged', version: txn.snapshot.version, metrics };
  return { kind: 'committed', commit: await txn.commit(), metrics };
}

export const FILE_COLUMN = '__strata_file';
export const ROW_COLUMN = '__strata_row';

export interface DmlContext {
  readonly connection: DuckDBConnection;
  readonly snapshot: Snapshot;
  readonly operation: string;
  /** The candidate files as a view with the table's columns plus FILE_COLUMN and ROW_COLUMN. */
  readonly target: ScanBinding;
  readonly fileByPath: ReadonlyMap<string, AddFile>;
  readonly layout: DataLayout;
  readonly constraints: readonly ConstraintRule[];
  readonly deletionVectors: boolean;
  readonly changeDataFeed: boolean;
  /** `"a", "b", ...`: the table's columns, in order. */
  readonly columnList: string;
  /** A fresh temp table name, dropped when the statement ends. */
  tempTable(role: string): string;
  /** Runs SQL built from user expressions; DuckDB errors become InvalidTableOperationError naming `what`. */
  run(sql: string, what: string): Promise<void>;
  query(sql: string, what: string): Promise<Record<string, unknown>[]>;
}

/** Refuses a statement that would change existing rows of an append-only table. */
export function assertChangeable(snapshot: Snapshot, operation: string): void {
  if (isAppendOnly(snapshot.metadata)) throw new AppendOnlyTableError(snapshot.location, operation);
}

/** Runs `work` with a DML context on the snapshot; temp tables and the scan are released after. */
export async function withDmlContext<T>(
  snapshot: Snapshot,
  operation: string,
  options: DmlOptions,
  work: (context: DmlContext) => Promise<T>,
): Promise<T> {
  const run = async (connection: DuckDBConnection) => {
    const target = await bindScan(connection, snapshot, {
      files: options.candidateFiles ?? snapshot.files,
      fileColumn: FILE_COLUMN,
      rowIndexColumn: ROW_COLUMN,
    });
    const temps: string[] = [];
    const id = randomUUID().replace(/-/g, '').slice(0, 12);
    const wrap = (what: string, error: unknown) =>
      new InvalidTableOperationError(
        `${operation} on ${snapshot.location}: ${what} cannot be evaluated: ${asError(error).message}`,
        { location: snapshot.location, operation },
      );
    const context: DmlContext = {
      connection,
      snapshot,
      operation,
      target,
      fileByPath: new Map(target.localPaths.map((p, i) => [p, target.files[i]!])),
      layout: {
        schema: snapshot.schema,
        partitionColumns: snapshot.partitionColumns,
        columnMapping: columnMappingMode(snapshot.configuration),
        configuration: snapshot.configuration,
        ...(options.targetFileSize ? { targetFileSize: options.targetFileSize } : {}),
      },
      constraints: tableConstraints(snapshot.schema, snapshot.metadata),
      deletionVectors: deletionVectorsEnabled(snapshot.protocol, snapshot.metadata),
      changeDataFeed: changeDataFeedEnabled(snapshot.protocol, snapshot.metadata),
      columnList: snapshot.schema.fields.map((f) => quoteIdent(f.name)).join(', '),
      tempTable: (role) => {
        const name = `__strata_${role}_${id}`;
        temps.push(name);
        return name;
      },
      run: async (sql, what) => {
        try {
          await connection.run(sql);
        } catch (error) {
          throw wrap(what, error);
        }
      },
      query: async (sql, what) => {
        try {
          return (await connection.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
        } catch (error) {
          throw wrap(what, error);
        }
      },
    };
    try {
      return await work(context);
    } finally {
      for (const table of temps) await connection.run(`DROP TABLE IF EXISTS temp.${quoteIdent(table)}`);
      await target.release();
    }
  };
  return options.connection ? run(options.connection) : withConnection(run);
}

/**
 * commitInfo.operationMetrics of a DELETE or UPDATE: the rewrite's file and deletion
 * vector counts, the statement's own row counts (Delta's names), and the elapsed time.
 */
export function rewriteOperationMetrics(
  metrics: DmlMetrics,
  rows: Readonly<Record<string, number>>,
  start: number,
): Record<string, number> {
  return {
    numRemovedFiles: metrics.numRemovedFiles,
    numAddedFiles: metrics.numAddedFiles,
    ...rows,
    numCopiedRows: metrics.numCopiedRows,
    numAddedChangeFiles: metrics.numAddedChangeFiles,
    numRemovedBytes: metrics.numRemovedBytes,
    numAddedBytes: metrics.numAddedBytes,
    numDeletionVectorsAdded: metrics.numDeletionVectorsAdded,
    numDeletionVectorsRemoved: metrics.numDeletionVectorsRemoved,
    numDeletionVectorsUpdated: metrics.numDeletionVectorsUpdated,
    executionTimeMs: Date.now() - start,
  };
}
