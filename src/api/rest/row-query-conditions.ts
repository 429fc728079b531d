/**
 * Filter conditions as where nodes of the engine's table query over a table's columns.
 * User text reaches the SQL only as values (quoted literals) cast to the column's type,
 * and only names that resolve to a visible column become column nodes; the values are
 * collected so that row-query-values.ts can check each casts before anything runs.
 */
import {
  andAll,
  compileWhere,
  constantWhere,
  operandSql,
  parenthesized,
  sqlValue,
  tableColumn,
  type ValueNode,
  type WhereNode,
} from '../../engine/index.js';
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
  return operandSql(typedValue(column, value, literals));
}

/** `value` as a value node of the column's type (text stays bare), recording the cast to check. */
function typedValue(column: TableColumn, value: string, literals: TypedLiteral[]): ValueNode {
  if (isTextType(column.type)) return sqlValue(value);
  literals.push({ column: column.name, type: column.type, value });
  return sqlValue(value, column.type);
}

const COMPARISON = { eq: '=', neq: '<>', gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

/** The conditions ANDed as SQL, or null when there are none. */
export function compileConditions(
  conditions: readonly Condition[],
  columns: readonly TableColumn[],
  literals: TypedLiteral[],
): string | null {
  const where = conditionsWhere(conditions, columns, literals);
  return where === null ? null : compileWhere(where);
}

/** The conditions ANDed as a where node, or null when there are none. */
export function conditionsWhere(
  conditions: readonly Condition[],
  columns: readonly TableColumn[],
  literals: TypedLiteral[],
): WhereNode | null {
  return andAll(conditions.map((c) => conditionWhere(c, columns, literals)));
}

function conditionWhere(condition: Condition, columns: readonly TableColumn[], literals: TypedLiteral[]): WhereNode {
  const body = conditionBody(condition, columns, literals);
  return condition.negated ? parenthesized({ kind: 'not', operand: body }) : body;
}

function conditionBody(condition: Condition, columns: readonly TableColumn[], literals: TypedLiteral[]): WhereNode {
  if (condition.kind === 'group') {
    if (condition.conditions.length === 0) return constantWhere(condition.join === 'and');
    const items = condition.conditions.map((c) => conditionWhere(c, columns, literals));
    return parenthesized({ kind: condition.join, items });
  }
  const column = resolveColumn(columns, condition.column);
  const operand = tableColumn(column.name);
  switch (condition.kind) {
    case 'in':
      if (condition.values.length === 0) return constantWhere(false);
      return parenthesized({
        kind: 'in',
        operand,
        values: condition.values.map((v) => typedValue(column, v, literals)),
        negated: false,
      });
    case 'is':
      if (condition.value === 'null') return parenthesized({ kind: 'is_null', operand, negated: false });
      if (column.type !== 'BOOLEAN') {
        throw new BadRequestError(
          `Filter is.${condition.value} needs a BOOLEAN column; "${column.name}" is ${column.type} (use is.null).`,
          { column: column.name, type: column.type },
        );
      }
      return parenthesized(
        condition.value === 'unknown'
          ? { kind: 'is_null', operand, negated: false }
          : { kind: 'is_boolean', operand, value: condition.value === 'true' },
      );
    case 'compare':
      if (condition.op === 'like' || condition.op === 'ilike') {
        return parenthesized({
          kind: 'like',
          operand: { kind: 'cast', operand, type: 'VARCHAR' },
          // `*` is PostgREST's URL-friendly wildcard.
          pattern: sqlValue(condition.value.replaceAll('*', '%')),
          caseInsensitive: condition.op === 'ilike',
        });
      }
      return parenthesized({
        kind: 'comparison',
        left: operand,
        op: COMPARISON[condition.op],
        right: typedValue(column, condition.value, literals),
      });
  }
}
