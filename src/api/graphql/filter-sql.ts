/**
 * Hasura-like arguments to SQL: `where` boolean expressions (`_and/_or/_not` and per
 * column `_eq,_neq,_gt,_gte,_lt,_lte,_in,_nin,_like,_ilike,_is_null`), `order_by`,
 * and literals, as nodes of the engine's structured table query. Column names come from
 * the model (never from the client) and every value is a quoted literal cast to the
 * column's type.
 */
import {
  andAll,
  compileWhere,
  constantWhere,
  operandSql,
  parenthesized,
  sqlValue,
  tableColumn,
  type ComparisonOperator,
  type OrderItemNode,
  type ValueNode,
  type WhereNode,
} from '../../engine/index.js';
import { GraphqlInputError } from './graphql-errors.js';
import type { ColumnModel, TableModel } from './table-models.js';

export type BoolExp = Readonly<Record<string, unknown>>;

const COMPARISONS: Readonly<Record<string, ComparisonOperator>> = {
  _eq: '=',
  _neq: '<>',
  _gt: '>',
  _gte: '>=',
  _lt: '<',
  _lte: '<=',
};

/** The value as a value node cast to the column's type (a typed NULL for null, so a VALUES column of nulls keeps its type). */
export function literalNode(column: ColumnModel, value: unknown): ValueNode {
  if (value === null || value === undefined) return sqlValue(null, column.type.sqlType);
  return sqlValue(typeof value === 'string' ? value : JSON.stringify(value), column.type.sqlType);
}

/** `CAST('<value>' AS <type>)`, or a typed NULL. */
export function sqlLiteral(column: ColumnModel, value: unknown): string {
  return operandSql(literalNode(column, value));
}

function columnByField(model: TableModel, field: string): ColumnModel {
  const column = model.columns.find((c) => c.field === field);
  if (column === undefined)
    throw new GraphqlInputError(`${model.name} has no column "${field}".`, { table: model.catalogName, field });
  return column;
}

function comparison(column: ColumnModel, ops: BoolExp): WhereNode[] {
  const target = tableColumn(column.column);
  return Object.entries(ops).map(([op, value]): WhereNode => {
    if (op === '_is_null') return { kind: 'is_null', operand: target, negated: value !== true };
    if (value === null || value === undefined) {
      throw new GraphqlInputError(`${column.field}.${op} cannot be null; use _is_null to test for missing values.`, {
        field: column.field,
        op,
      });
    }
    if (op === '_in' || op === '_nin') {
      const values = (value as readonly unknown[]).map((v) => literalNode(column, v));
      if (values.length === 0) return constantWhere(op === '_nin');
      return { kind: 'in', operand: target, values, negated: op === '_nin' };
    }
    // LIKE patterns are text whatever the column type.
    if (op === '_like' || op === '_ilike')
      return { kind: 'like', operand: target, pattern: sqlValue(String(value)), caseInsensitive: op === '_ilike' };
    const operator = COMPARISONS[op];
    if (operator === undefined) throw new GraphqlInputError(`Unknown comparison operator ${op}.`, { op });
    return { kind: 'comparison', left: target, op: operator, right: literalNode(column, value) };
  });
}

/** The where node of a `where` value; TRUE for an empty one. */
export function whereNode(model: TableModel, where: BoolExp | null | undefined): WhereNode {
  if (where === null || where === undefined) return constantWhere(true);
  const parts: WhereNode[] = [];
  for (const [key, value] of Object.entries(where)) {
    if (value === undefined) continue;
    if (key === '_and' || key === '_or') {
      const items = (value as readonly BoolExp[] | null) ?? [];
      if (items.length === 0) {
        parts.push(constantWhere(key === '_and'));
        continue;
      }
      const kind = key === '_and' ? 'and' : 'or';
      parts.push(parenthesized({ kind, items: items.map((item) => parenthesized(whereNode(model, item))) }));
    } else if (key === '_not') {
      if (value !== null) parts.push({ kind: 'not', operand: parenthesized(whereNode(model, value as BoolExp)) });
    } else if (value !== null) {
      parts.push(...comparison(columnByField(model, key), value as BoolExp));
    }
  }
  return andAll(parts) ?? constantWhere(true);
}

/** The SQL predicate of a `where` value; TRUE for an empty one. */
export function whereSql(model: TableModel, where: BoolExp | null | undefined): string {
  return compileWhere(whereNode(model, where));
}

const DIRECTIONS: Readonly<Record<string, Pick<OrderItemNode, 'direction' | 'nulls'>>> = {
  asc: { direction: 'asc', nulls: null },
  asc_nulls_first: { direction: 'asc', nulls: 'first' },
  asc_nulls_last: { direction: 'asc', nulls: 'last' },
  desc: { direction: 'desc', nulls: null },
  desc_nulls_first: { direction: 'desc', nulls: 'first' },
  desc_nulls_last: { direction: 'desc', nulls: 'last' },
};

/** The order terms of an `order_by` value (none when not ordered). */
export function orderByNodes(
  model: TableModel,
  orderBy: readonly BoolExp[] | BoolExp | null | undefined,
): OrderItemNode[] {
  if (orderBy === null || orderBy === undefined) return [];
  const items = Array.isArray(orderBy) ? (orderBy as readonly BoolExp[]) : [orderBy as BoolExp];
  return items.flatMap((item) =>
    Object.entries(item)
      .filter(([, d]) => d !== null && d !== undefined)
      .map(([field, direction]): OrderItemNode => ({
        expression: tableColumn(columnByField(model, field).column),
        ...(DIRECTIONS[String(direction)] ?? DIRECTIONS.asc!),
      })),
  );
}

/** A non-negative integer argument, or a typed error naming it. */
export function countArgument(name: string, value: unknown, max?: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
    throw new GraphqlInputError(`${name} must be a non-negative integer, not ${String(value)}.`, { argument: name });
  return max === undefined ? value : Math.min(value, max);
}
