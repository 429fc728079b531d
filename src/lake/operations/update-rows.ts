/**
 * UPDATE as one Delta transaction: the matching rows are materialized once (so every
 * use — new versions, change rows — sees the same rows), their new versions computed
 * from the SET expressions (evaluated over the old row, cast to the column types), and
 * row-rewriter.ts removes the old versions (deletion vectors or copy-on-write) and
 * writes the new ones after checking the table's constraints. commitInfo follows
 * Delta: operation UPDATE, `predicate`, metrics numUpdatedRows, numCopiedRows, ...
 */
import { ChangeType } from '../change-data/change-data-writer.js';
import { dmlMetrics } from './delete-rows.js';
import {
  assertChangeable,
  commitUnlessEmpty,
  rewriteOperationMetrics,
  withDmlContext,
  FILE_COLUMN,
  ROW_COLUMN,
  type DmlOptions,
  type DmlOutcome,
} from './dml-context.js';
import { InvalidTableOperationError } from '../errors.js';
import { applyRowChanges } from './row-rewriter.js';
import { duckdbType, findField, quoteIdent, type StructType } from '../log/schema.js';
import type { Snapshot } from '../log/snapshot.js';
import { Transaction } from '../transaction/transaction.js';

/** Column name → SQL expression giving its new value. */
export type Assignments = Readonly<Record<string, string>>;

export async function updateRows(
  snapshot: Snapshot,
  set: Assignments,
  predicate?: string,
  options: DmlOptions = {},
): Promise<DmlOutcome> {
  assertChangeable(snapshot, 'UPDATE');
  const assignments = resolveAssignments(snapshot.schema, set, snapshot.location);
  const start = Date.now();
  const candidates = options.candidateFiles ?? snapshot.files;
  const txn = new Transaction(snapshot, {
    operation: 'UPDATE',
    operationParameters: options.operationParameters ?? (predicate ? { predicate } : {}),
    ...(options.isolationLevel ? { isolationLevel: options.isolationLevel } : {}),
  });
  txn.readFiles(candidates, options.readPredicate);
  const counts = await withDmlContext(snapshot, 'UPDATE', options, async (context) => {
    const matched = quoteIdent(context.tempTable('matched'));
    const updated = quoteIdent(context.tempTable('updated'));
    await context.run(
      `CREATE TEMP TABLE ${matched} AS SELECT * FROM ${quoteIdent(context.target.view)}${predicate ? ` WHERE coalesce((${predicate}), false)` : ''}`,
      `the predicate (${predicate ?? 'none'})`,
    );
    const values = snapshot.schema.fields.map((field) => {
      const expression = assignments.get(field.name);
      return expression === undefined
        ? quoteIdent(field.name)
        : `CAST((${expression}) AS ${duckdbType(field.type)}) AS ${quoteIdent(field.name)}`;
    });
    await context.run(
      `CREATE TEMP TABLE ${updated} AS SELECT ${FILE_COLUMN}, ${ROW_COLUMN}, ${values.join(', ')} FROM ${matched}`,
      `the SET expressions (${describe(set)})`,
    );
    return applyRowChanges(context, txn, {
      removed: `SELECT ${FILE_COLUMN}, ${ROW_COLUMN} FROM ${matched}`,
      added: `SELECT ${context.columnList} FROM ${updated}`,
      changes:
        `SELECT ${context.columnList}, '${ChangeType.updatePreimage}' AS _change_type FROM ${matched}` +
        ` UNION ALL SELECT ${context.columnList}, '${ChangeType.updatePostimage}' AS _change_type FROM ${updated}`,
      updates: true,
    });
  });
  const metrics = dmlMetrics(counts, { numUpdatedRows: counts.numRemovedRows });
  txn.setMetrics(rewriteOperationMetrics(metrics, { numUpdatedRows: metrics.numUpdatedRows }, start));
  return commitUnlessEmpty(txn, metrics);
}

/** SET targets resolved to the table's column names (case-insensitively, as Delta does). */
export function resolveAssignments(schema: StructType, set: Assignments, location: string): Map<string, string> {
  const resolved = new Map<string, string>();
  if (Object.keys(set).length === 0)
    throw new InvalidTableOperationError(`UPDATE of ${location} needs at least one column to set.`, { location });
  for (const [column, expression] of Object.entries(set)) {
    const field = findField(schema, column);
    if (!field) {
      throw new InvalidTableOperationError(
        `Cannot set column "${column}": ${location} has no such column (its columns are ${schema.fields.map((f) => f.name).join(', ')}).`,
        { column, location },
      );
    }
    if (resolved.has(field.name))
      throw new InvalidTableOperationError(`Column "${field.name}" is assigned twice.`, {
        column: field.name,
        location,
      });
    resolved.set(field.name, expression);
  }
  return resolved;
}

function describe(set: Assignments): string {
  return Object.entries(set)
    .map(([column, expression]) => `${column} = ${expression}`)
    .join(', ');
}
