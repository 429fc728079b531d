/**
 * Filter conditions as SQL over a table's columns. User text reaches the SQL only as
 * quoted literals (`quoteLiteral`) cast to the column's type, and only names that
 * resolve to a visible column are emitted (as quoted identifiers); the values are
 * collected so that row-query-values.ts can check each casts before anything runs.
 */
import { quoteIdent, quoteLiteral } from '../../lake/index.js';
import { BadRequestError } from '../errors.js';
import type { Condition } from './row-query-filters.js';

/** A visible column and its DuckDB type (e.g. BIGINT, VARCHAR, DECIMAL(10,2)). */
export interface TableColumn {
  readonly name: string;
  readonly type: string;
}

/** A user value that the SQL casts to a column's type: checked with TRY_CAST first. */
export interface TypedLiteral {
  readonly column: string;
  readonly type: string;
  readonly value: string;
}

export function resolveColumn(columns: readonly TableColumn[], name: string): TableColumn {
  const lower = name.toLowerCase();
  const found = columns.find((c) => c.name === name) ?? columns.find((c) => c.name.toLowerCase() === lower);
  if (!found) {
    throw new BadRequestError(`Unknown column "${name}"; the columns are ${columns.map((c) => c.name).join(', ')}.`, {
      column: name,
      columns: columns.map((c) => c.name),
    });
  }
  return found;
}

export function isTextType(type: string): boolean {
  return type === 'VARCHAR';
}

/** `value` as a SQL expression of the column's type, recording the cast to check. */
export function typedLiteral(column: TableColumn, value: string, literals: TypedLiteral[]): string {
  if (isTextType(column.type)) return quoteLiteral(value);
  literals.push({ column: column.name, type: column.type, value });
  return `CAST(${quoteLiteral(value)} AS ${column.type})`;
}

const COMPARISON = { eq: '=', neq: '<>', gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

/** The conditions ANDed, or null when there are none. */
export function compileConditions(
  conditions: readonly Condition[],
  columns: readonly TableColumn[],
  literals: TypedLiteral[],
): string | null {
  if (conditions.length === 0) return null;
  return conditions.map((c) => compileCondition(c, columns, literals)).join(' AND ');
}

function compileCondition(condition: Condition, columns: readonly TableColumn[], literals: TypedLiteral[]): string {
  const sql = conditionBody(condition, columns, literals);
  return condition.negated ? `(NOT ${sql})` : sql;
}

function conditionBody(condition: Condition, columns: readonly TableColumn[], literals: TypedLiteral[]): string {
  if (condition.kind === 'group') {
    if (condition.conditions.length === 0) return condition.join === 'and' ? 'TRUE' : 'FALSE';
    const joiner = condition.join === 'and' ? ' AND ' : ' OR ';
    return `(${condition.conditions.map((c) => compileCondition(c, columns, literals)).join(joiner)})`;
  }
  const column = resolveColumn(columns, condition.column);
  const ident = quoteIdent(column.name);
  switch (condition.kind) {
    case 'in':
      if (condition.values.length === 0) return 'FALSE';
      return `(${ident} IN (${condition.values.map((v) => typedLiteral(column, v, literals)).join(', ')}))`;
    case 'is':
      if (condition.value === 'null') return `(${ident} IS NULL)`;
      if (column.type !== 'BOOLEAN') {
        throw new BadRequestError(
          `Filter is.${condition.value} needs a BOOLEAN column; "${column.name}" is ${column.type} (use is.null).`,
          { column: column.name, type: column.type },
        );
      }
      return condition.value === 'unknown' ? `(${ident} IS NULL)` : `(${ident} IS ${condition.value.toUpperCase()})`;
    case 'compare':
      if (condition.op === 'like' || condition.op === 'ilike') {
        // `*` is PostgREST's URL-friendly wildcard.
        const pattern = quoteLiteral(condition.value.replaceAll('*', '%'));
        return `(CAST(${ident} AS VARCHAR) ${condition.op === 'like' ? 'LIKE' : 'ILIKE'} ${pattern})`;
      }
      return `(${ident} ${COMPARISON[condition.op]} ${typedLiteral(column, condition.value, literals)})`;
  }
}
