/**
 * DELETE as one Delta transaction. DuckDB finds the matching rows (file and physical
 * row index) among the candidate files; row-rewriter.ts turns them into deletion
 * vectors or copy-on-write rewrites. Without a predicate every candidate file is
 * removed whole, reading no data. commitInfo follows Delta: operation DELETE,
 * `predicate` as a JSON list, metrics numDeletedRows, numCopiedRows, numRemovedFiles,
 * numAddedFiles, numDeletionVectorsAdded, ...
 */
import { ChangeType } from '../change-data/change-data-writer.js';
import {
  assertChangeable,
  commitUnlessEmpty,
  rewriteOperationMetrics,
  withDmlContext,
  FILE_COLUMN,
  ROW_COLUMN,
  type DmlOptions,
  type DmlOutcome,
  type DmlMetrics,
} from './dml-context.js';
import { applyRowChanges, type RewriteCounts } from './row-rewriter.js';
import { quoteIdent } from '../log/schema.js';
import type { Snapshot } from '../log/snapshot.js';
import { Transaction } from '../transaction/transaction.js';

export async function deleteRows(
  snapshot: Snapshot,
  predicate?: string,
  options: DmlOptions = {},
): Promise<DmlOutcome> {
  assertChangeable(snapshot, 'DELETE');
  const start = Date.now();
  const candidates = options.candidateFiles ?? snapshot.files;
  const txn = new Transaction(snapshot, {
    operation: 'DELETE',
    operationParameters: options.operationParameters ?? { predicate: JSON.stringify(predicate ? [predicate] : []) },
    ...(options.isolationLevel ? { isolationLevel: options.isolationLevel } : {}),
  });
  txn.readFiles(candidates, options.readPredicate);
  const counts = await withDmlContext(snapshot, 'DELETE', options, async (context) => {
    const view = quoteIdent(context.target.view);
    // Without a predicate every row goes: whole files are removed, so there is nothing to materialize.
    let matched = view;
    if (predicate) {
      matched = quoteIdent(context.tempTable('deleted'));
      const columns = context.changeDataFeed ? '*' : `${FILE_COLUMN}, ${ROW_COLUMN}`;
      await context.run(
        `CREATE TEMP TABLE ${matched} AS SELECT ${columns} FROM ${view} WHERE coalesce((${predicate}), false)`,
        `the predicate (${predicate})`,
      );
    }
    return applyRowChanges(context, txn, {
      removed: `SELECT ${FILE_COLUMN}, ${ROW_COLUMN} FROM ${matched}`,
      changes: `SELECT ${context.columnList}, '${ChangeType.delete}' AS _change_type FROM ${matched}`,
      updates: false,
    });
  });
  const metrics = dmlMetrics(counts, { numDeletedRows: counts.numRemovedRows });
  txn.setMetrics(rewriteOperationMetrics(metrics, { numDeletedRows: metrics.numDeletedRows }, start));
  return commitUnlessEmpty(txn, metrics);
}

/** The uniform metrics of a rewrite plus the statement's own row counts. */
export function dmlMetrics(
  counts: RewriteCounts,
  rows: Partial<Pick<DmlMetrics, 'numDeletedRows' | 'numUpdatedRows' | 'numInsertedRows'>>,
): DmlMetrics {
  return {
    numDeletedRows: rows.numDeletedRows ?? 0,
    numUpdatedRows: rows.numUpdatedRows ?? 0,
    numInsertedRows: rows.numInsertedRows ?? 0,
    numCopiedRows: counts.numCopiedRows,
    numAddedFiles: counts.numAddedFiles,
    numRemovedFiles: counts.numRemovedFiles,
    numAddedBytes: counts.numAddedBytes,
    numRemovedBytes: counts.numRemovedBytes,
    numAddedChangeFiles: counts.numAddedChangeFiles,
    numDeletionVectorsAdded: counts.numDeletionVectorsAdded,
    numDeletionVectorsUpdated: counts.numDeletionVectorsUpdated,
    numDeletionVectorsRemoved: counts.numDeletionVectorsRemoved,
  };
}
