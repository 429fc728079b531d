/**
 * MERGE as one Delta transaction, with SQL MERGE semantics: clauses are tried in the
 * order given and the first whose kind and condition fit a row pair applies. DuckDB
 * computes the whole outcome in one join (merge-plan.ts), materialized once; then
 * - a target row that two or more source rows would update or delete is an error
 *   (MergeCardinalityError), as in Delta and the SQL standard — except when the only
 *   matched clause is an unconditional DELETE, where the outcome is the same either way;
 * - target rows updated or deleted go away through row-rewriter.ts (deletion vectors or
 *   copy-on-write), new versions and inserts are written after the constraint check.
 * commitInfo follows Delta: operation MERGE, `predicate` and the clause lists, metrics
 * numSourceRows, numTargetRowsInserted/Updated/Deleted/Copied, ...
 */
import type { AddFile } from '../log/actions.js';
import { ChangeType } from '../change-data/change-data-writer.js';
import { dmlMetrics } from './delete-rows.js';
import { describeSource, sourceRelation, type DataSource } from '../write/data-source.js';
import { withConnection } from '../../duckdb/index.js';
import {
  assertChangeable,
  commitUnlessEmpty,
  withDmlContext,
  FILE_COLUMN,
  ROW_COLUMN,
  type DmlContext,
  type DmlOptions,
  type DmlOutcome,
} from './dml-context.js';
import { MergeCardinalityError } from './dml-errors.js';
import {
  CLAUSE_COLUMN,
  planMerge,
  preimageColumn,
  type MergeClause,
  type MergePlan,
  type MergeSpec,
} from './merge-plan.js';
import { applyRowChanges, type RowChanges } from './row-rewriter.js';
import { quoteIdent, quoteLiteral } from '../log/schema.js';
import type { Snapshot } from '../log/snapshot.js';
import { Transaction } from '../transaction/transaction.js';

export type MergeOutcome = DmlOutcome & { readonly numSourceRows: number };

export async function mergeInto(
  snapshot: Snapshot,
  data: DataSource,
  spec: MergeSpec,
  options: DmlOptions = {},
): Promise<MergeOutcome> {
  if (spec.clauses.some((c) => c.action.kind !== 'insert'))
    assertChangeable(snapshot, 'MERGE with UPDATE or DELETE clauses');
  const start = Date.now();
  const candidates: readonly AddFile[] = options.candidateFiles ?? snapshot.files;
  const txn = new Transaction(snapshot, {
    operation: 'MERGE',
    operationParameters: options.operationParameters ?? mergeParameters(spec),
    ...(options.isolationLevel ? { isolationLevel: options.isolationLevel } : {}),
  });
  txn.readFiles(candidates, options.readPredicate);
  // The source's checks need a connection of their own; the relation they give is plain SQL.
  const source = await withConnection((connection) => sourceRelation(data, connection));
  try {
    const result = await withDmlContext(snapshot, 'MERGE', options, async (context) => {
      const columns = (await describeSource(context.connection, source)).map((c) => c.name);
      const plan = planMerge(
        snapshot.schema,
        spec,
        context.target.view,
        { sql: source.sql, columns },
        context.changeDataFeed,
        snapshot.location,
      );
      const joined = quoteIdent(context.tempTable('merge'));
      await context.run(`CREATE TEMP TABLE ${joined} AS ${plan.sql}`, `the MERGE (ON ${spec.on})`);
      await assertSingleMatches(context, joined, spec, plan);
      const perClause = await clauseCounts(context, joined);
      const count = (ids: number[]) => ids.reduce((n, i) => n + (perClause.get(i) ?? 0), 0);
      const [sourceRows] = await context.query(`SELECT count(*) AS n FROM (${source.sql})`, 'the source');
      const matchedUpdated = count(plan.clauses({ when: 'matched', kind: 'update' }));
      const bySourceUpdated = count(plan.clauses({ when: 'notMatchedBySource', kind: 'update' }));
      const counts = await applyRowChanges(
        context,
        txn,
        changeRelations(context, joined, plan, matchedUpdated + bySourceUpdated > 0),
      );
      return {
        counts,
        numSourceRows: Number(sourceRows?.n ?? 0),
        matchedUpdated,
        bySourceUpdated,
        // Not-matched-by-source pairs are one per target row, so their count is exact.
        bySourceDeleted: count(plan.clauses({ when: 'notMatchedBySource', kind: 'delete' })),
        inserted: count(plan.clauses({ kind: 'insert' })),
      };
    });
    const { counts } = result;
    const updated = result.matchedUpdated + result.bySourceUpdated;
    // Target rows, not pairs: an unconditional DELETE may pair one row with several source rows.
    const deleted = counts.numRemovedRows - updated;
    const metrics = dmlMetrics(counts, {
      numDeletedRows: deleted,
      numUpdatedRows: updated,
      numInsertedRows: result.inserted,
    });
    txn.setMetrics({
      numSourceRows: result.numSourceRows,
      numTargetRowsInserted: result.inserted,
      numTargetRowsUpdated: updated,
      numTargetRowsMatchedUpdated: result.matchedUpdated,
      numTargetRowsNotMatchedBySourceUpdated: result.bySourceUpdated,
      numTargetRowsDeleted: deleted,
      numTargetRowsMatchedDeleted: deleted - result.bySourceDeleted,
      numTargetRowsNotMatchedBySourceDeleted: result.bySourceDeleted,
      numTargetRowsCopied: metrics.numCopiedRows,
      numOutputRows: result.inserted + updated + metrics.numCopiedRows,
      numTargetFilesAdded: metrics.numAddedFiles,
      numTargetFilesRemoved: metrics.numRemovedFiles,
      numTargetChangeFilesAdded: metrics.numAddedChangeFiles,
      numTargetBytesAdded: metrics.numAddedBytes,
      numTargetBytesRemoved: metrics.numRemovedBytes,
      numTargetDeletionVectorsAdded: metrics.numDeletionVectorsAdded,
      numTargetDeletionVectorsRemoved: metrics.numDeletionVectorsRemoved,
      numTargetDeletionVectorsUpdated: metrics.numDeletionVectorsUpdated,
      executionTimeMs: Date.now() - start,
    });
    return { ...(await commitUnlessEmpty(txn, metrics)), numSourceRows: result.numSourceRows };
  } finally {
    await source.release();
  }
}

/** Refuses a target row that several source rows would update or delete. */
async function assertSingleMatches(
  context: DmlContext,
  joined: string,
  spec: MergeSpec,
  plan: MergePlan,
): Promise<void> {
  const matched = spec.clauses.filter((c) => c.when === 'matched');
  const onlyDeletes =
    matched.length === 1 && matched[0]!.action.kind === 'delete' && matched[0]!.condition === undefined;
  const ids = plan.clauses({ when: 'matched' });
  if (ids.length === 0 || onlyDeletes) return;
  const [duplicate] = await context.query(
    `SELECT ${FILE_COLUMN} AS path, ${ROW_COLUMN} AS row, count(*) AS n FROM ${joined} WHERE ${CLAUSE_COLUMN} IN (${ids.join(', ')}) GROUP BY ALL HAVING count(*) > 1 LIMIT 1`,
    'the matches',
  );
  if (!duplicate) return;
  const columns = context.snapshot.schema.fields
    .map((f) => `${quoteIdent(f.name)} := ${quoteIdent(f.name)}`)
    .join(', ');
  const [row] = await context.query(
    `SELECT CAST(to_json(struct_pack(${columns})) AS VARCHAR) AS row FROM ${quoteIdent(context.target.view)} WHERE ${FILE_COLUMN} = ${quoteLiteral(String(duplicate.path))} AND ${ROW_COLUMN} = ${Number(duplicate.row)}`,
    'the target row',
  );
  throw new MergeCardinalityError(context.snapshot.location, Number(duplicate.n), String(row?.row ?? '(unknown)'));
}

async function clauseCounts(context: DmlContext, joined: string): Promise<Map<number, number>> {
  const rows = await context.query(
    `SELECT ${CLAUSE_COLUMN} AS clause, count(*) AS n FROM ${joined} GROUP BY ALL`,
    'clause counts',
  );
  return new Map(rows.map((r) => [Number(r.clause), Number(r.n)]));
}

function changeRelations(context: DmlContext, joined: string, plan: MergePlan, anyUpdated: boolean): RowChanges {
  const where = (ids: number[]) => `${CLAUSE_COLUMN} IN (${ids.length > 0 ? ids.join(', ') : 'NULL'})`;
  const updates = plan.clauses({ kind: 'update' });
  const deletes = plan.clauses({ kind: 'delete' });
  const inserts = plan.clauses({ kind: 'insert' });
  const preimage = context.snapshot.schema.fields
    .map((f, i) => `${preimageColumn(i)} AS ${quoteIdent(f.name)}`)
    .join(', ');
  const rows = (columns: string, type: string, ids: number[], distinct = false) =>
    `SELECT ${distinct ? `DISTINCT ON (${FILE_COLUMN}, ${ROW_COLUMN}) ` : ''}${columns}, '${type}' AS _change_type FROM ${joined} WHERE ${where(ids)}`;
  return {
    removed: `SELECT DISTINCT ${FILE_COLUMN}, ${ROW_COLUMN} FROM ${joined} WHERE ${where([...updates, ...deletes])}`,
    added: `SELECT ${context.columnList} FROM ${joined} WHERE ${where([...updates, ...inserts])}`,
    ...(context.changeDataFeed
      ? {
          changes: [
            rows(preimage, ChangeType.delete, deletes, true),
            rows(preimage, ChangeType.updatePreimage, updates),
            rows(context.columnList, ChangeType.updatePostimage, updates),
            rows(context.columnList, ChangeType.insert, inserts),
          ].join(' UNION ALL '),
        }
      : {}),
    updates: anyUpdated,
  };
}

/** Delta's MERGE operationParameters: the ON predicate and each clause list as JSON. */
function mergeParameters(spec: MergeSpec): Record<string, string> {
  const list = (when: MergeClause['when']) =>
    JSON.stringify(
      spec.clauses
        .filter((c) => c.when === when)
        .map((c) => ({
          ...(c.condition !== undefined ? { predicate: c.condition } : {}),
          actionType: c.action.kind,
        })),
    );
  return {
    predicate: spec.on,
    matchedPredicates: list('matched'),
    notMatchedPredicates: list('notMatched'),
    notMatchedBySourcePredicates: list('notMatchedBySource'),
  };
}
