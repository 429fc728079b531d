/**
 * PATCH and DELETE of rows as lake DML (DeltaTable.update / delete). The request's
 * filters become the predicate, ANDed with the principal's row filter, so a grant's
 * hidden rows are never touched; the new values must keep every updated row inside
 * that filter, which is checked on the same snapshot the update runs on (a commit in
 * between makes the update's conflict check fail rather than slip a row past).
 */
import type { Snapshot } from '../../lake/index.js';
import { refuseRowsLeavingFilter } from '../../engine/index.js';
import type { TableAccess } from '../api-context.js';
import { BadRequestError } from '../errors.js';
import {
  compileConditions,
  resolveColumn,
  typedLiteral,
  type TableColumn,
  type TypedLiteral,
} from './row-query-conditions.js';
import type { RowQuery } from './row-query-parser.js';
import { checkLiterals } from './row-query-values.js';
import { tableColumns, visibleColumns } from './tables-source.js';

export interface DmlPlan {
  /** The predicate (filters AND row filter); undefined: every row. */
  readonly predicate: string | undefined;
  readonly columns: readonly TableColumn[];
}

/** The predicate of a PATCH or DELETE; a request without filters needs `all=true`. */
export async function dmlPredicate(query: RowQuery, access: TableAccess, snapshot: Snapshot): Promise<DmlPlan> {
  if (query.where.length === 0 && !query.all) {
    throw new BadRequestError(
      'A PATCH or DELETE without filters would change every row; add filters (e.g. id=eq.5) or all=true.',
      {},
    );
  }
  const columns = tableColumns(snapshot.schema);
  const literals: TypedLiteral[] = [];
  const filters = compileConditions(query.where, visibleColumns(columns, access.columns), literals);
  await checkLiterals(literals);
  const parts = [filters, access.rowFilter].filter((p): p is string => p !== null);
  return { predicate: parts.length === 0 ? undefined : parts.map((p) => `(${p})`).join(' AND '), columns };
}

/** PATCH body → SET assignments (column → typed SQL literal) of granted columns. */
export function assignmentsOf(
  body: unknown,
  columns: readonly TableColumn[],
  access: TableAccess,
  literals: TypedLiteral[],
): Record<string, string> {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || Object.keys(body).length === 0) {
    throw new BadRequestError('The PATCH body must be a JSON object of column → new value.', {});
  }
  const set: Record<string, string> = {};
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    // Only granted columns resolve: another name is an unknown column (400), as in the filters.
    const column = resolveColumn(visibleColumns(columns, access.columns), name);
    if (value === null) set[column.name] = 'NULL';
    else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      set[column.name] = typedLiteral(column, String(value), literals);
    else
      throw new BadRequestError(`The new value of "${column.name}" must be a JSON string, number, boolean or null.`, {
        column: column.name,
      });
  }
  return set;
}

/** ForbiddenError when an updated row would fall outside the principal's row filter. */
export function checkUpdatedRows(
  snapshot: Snapshot,
  plan: DmlPlan,
  set: Readonly<Record<string, string>>,
  rowFilter: string | null,
): Promise<void> {
  // Request values are untyped text literals: each is cast to its column's type, as the update will.
  const typed = Object.fromEntries(
    plan.columns.filter((c) => set[c.name] !== undefined).map((c) => [c.name, `CAST(${set[c.name]} AS ${c.type})`]),
  );
  return refuseRowsLeavingFilter(snapshot, typed, plan.predicate, rowFilter);
}
