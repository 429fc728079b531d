/**
 * Hasura-like arguments to SQL: `where` boolean expressions (`_and/_or/_not` and per
 * column `_eq,_neq,_gt,_gte,_lt,_lte,_in,_nin,_like,_ilike,_is_null`), `order_by`,
 * and literals. Column names come from the model (never from the client) and every
 * value is a quoted literal cast to the column's type.
 */
import { quoteIdent, quoteLiteral } from '../../lake/index.js';
import { GraphqlInputError } from './graphql-errors.js';
import type { ColumnModel, TableModel } from './table-models.js';

export type BoolExp = Readonly<Record<string, unknown>>;

const OPERATORS: Readonly<Record<string, string>> = {
  _eq: '=',
  _neq: '<>',
  _gt: '>',
  _gte: '>=',
  _lt: '<',
  _lte: '<=',
  _like: 'LIKE',
  _ilike: 'ILIKE',
};

/** `CAST('<value>' AS <type>)` (a typed NULL for null, so a VALUES column of nulls keeps its type). */
export function sqlLiteral(column: ColumnModel, value: unknown): string {
  if (value === null || value === undefined) return `CAST(NULL AS ${column.type.sqlType})`;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return `CAST(${quoteLiteral(text)} AS ${column.type.sqlType})`;
}

function columnByField(model: TableModel, field: string): ColumnModel {
  const column = model.columns.find((c) => c.field === field);
  if (column === undefined)
    throw new GraphqlInputError(`${model.name} has no column "${field}".`, { table: model.catalogName, field });
  return column;
}

function comparison(column: ColumnModel, ops: BoolExp): string[] {
  const target = quoteIdent(column.column);
  return Object.entries(ops).map(([op, value]) => {
    if (op === '_is_null') return `${target} IS ${value === true ? '' : 'NOT '}NULL`;
    if (value === null || value === undefined) {
      throw new GraphqlInputError(`${column.field}.${op} cannot be null; use _is_null to test for missing values.`, {
        field: column.field,
        op,
      });
    }
    if (op === '_in' || op === '_nin') {
      const values = (value as readonly unknown[]).map((v) => sqlLiteral(column, v));
      if (values.length === 0) return op === '_in' ? 'FALSE' : 'TRUE';
      return `${target} ${op === '_in' ? 'IN' : 'NOT IN'} (${values.join(', ')})`;
    }
    const operator = OPERATORS[op];
    if (operator === undefined) throw new GraphqlInputError(`Unknown comparison operator ${op}.`, { op });
    // LIKE patterns are text whatever the column type.
    const literal = operator.endsWith('LIKE') ? quoteLiteral(String(value)) : sqlLiteral(column, value);
    return `${target} ${operator} ${literal}`;
  });
}

/** The SQL predicate of a `where` value; TRUE for an empty one. */
export function whereSql(model: TableModel, where: BoolExp | null | undefined): string {
  if (where === null || where === undefined) return 'TRUE';
  const parts: string[] = [];
  for (const [key, value] of Object.entries(where)) {
    if (value === undefined) continue;
    if (key === '_and' || key === '_or') {
      const items = (value as readonly BoolExp[] | null) ?? [];
      if (items.length === 0) {
        parts.push(key === '_and' ? 'TRUE' : 'FALSE');
        continue;
      }
      parts.push(`(${items.map((item) => `(${whereSql(model, item)})`).join(key === '_and' ? ' AND ' : ' OR ')})`);
    } else if (key === '_not') {
      if (value !== null) parts.push(`NOT (${whereSql(model, value as BoolExp)})`);
    } else if (value !== null) {
      parts.push(...comparison(columnByField(model, key), value as BoolExp));
    }
  }
  return parts.length === 0 ? 'TRUE' : parts.join(' AND ');
}

const DIRECTIONS: Readonly<Record<string, string>> = {
  asc: 'ASC',
  asc_nulls_first: 'ASC NULLS FIRST',
  asc_nulls_last: 'ASC NULLS LAST',
  desc: 'DESC',
  desc_nulls_first: 'DESC NULLS FIRST',
  desc_nulls_last: 'DESC NULLS LAST',
};

/** `ORDER BY ...` text (empty when not ordered). */
export function orderBySql(model: TableModel, orderBy: readonly BoolExp[] | BoolExp | null | undefined): string {
  if (orderBy === null || orderBy === undefined) return '';
  const items = Array.isArray(orderBy) ? (orderBy as readonly BoolExp[]) : [orderBy as BoolExp];
  const terms = items.flatMap((item) =>
    Object.entries(item)
      .filter(([, d]) => d !== null && d !== undefined)
      .map(
        ([field, direction]) =>
          `${quoteIdent(columnByField(model, field).column)} ${DIRECTIONS[String(direction)] ?? 'ASC'}`,
      ),
  );
  return terms.length === 0 ? '' : ` ORDER BY ${terms.join(', ')}`;
}

/** A non-negative integer argument, or a typed error naming it. */
export function countArgument(name: string, value: unknown, max?: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
    throw new GraphqlInputError(`${name} must be a non-negative integer, not ${String(value)}.`, { argument: name });
  return max === undefined ? value : Math.min(value, max);
}
