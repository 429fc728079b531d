/**
 * The one compiler of TableQuery nodes to DuckDB SQL. Names reach the SQL only as
 * quoted identifiers and values only as quoted literals; the text layout is fixed by
 * the nodes (see table-query-nodes.ts), so equal queries give byte-equal SQL.
 */
import { quoteIdent, quoteLiteral } from '../../lake/index.js';
import type {
  AggregateNode,
  FromNode,
  Operand,
  OrderItemNode,
  SelectItemNode,
  TableQuery,
  ValueNode,
  WhereNode,
} from './table-query-nodes.js';

export function compileTableQuery(query: TableQuery): string {
  const list = query.select === null ? '*' : query.select.map(selectItemSql).join(', ');
  const where = query.where === null ? '' : ` WHERE ${compileWhere(query.where)}`;
  const groupBy = query.groupBy.length === 0 ? '' : ` GROUP BY ${query.groupBy.map(operandSql).join(', ')}`;
  const orderBy = query.orderBy.length === 0 ? '' : ` ORDER BY ${query.orderBy.map(orderItemSql).join(', ')}`;
  const limit = query.limit === null ? '' : ` LIMIT ${query.limit}`;
  const offset = query.offset ? ` OFFSET ${query.offset}` : '';
  return `SELECT ${list} FROM ${fromSql(query.from)}${where}${groupBy}${orderBy}${limit}${offset}`;
}

/** A where node as SQL text: also the predicate data skipping reads (compiled once, never re-parsed from user text). */
export function compileWhere(node: WhereNode): string {
  switch (node.kind) {
    case 'comparison':
      return `${operandSql(node.left)} ${node.op} ${operandSql(node.right)}`;
    case 'in':
      return `${operandSql(node.operand)} ${node.negated ? 'NOT IN' : 'IN'} (${node.values.map(valueSql).join(', ')})`;
    case 'is_null':
      return `${operandSql(node.operand)} IS ${node.negated ? 'NOT ' : ''}NULL`;
    case 'is_boolean':
      return `${operandSql(node.operand)} IS ${node.value ? 'TRUE' : 'FALSE'}`;
    case 'like':
      return `${operandSql(node.operand)} ${node.caseInsensitive ? 'ILIKE' : 'LIKE'} ${valueSql(node.pattern)}`;
    case 'and':
    case 'or':
      // An empty list is the operation's identity, so the SQL stays valid.
      if (node.items.length === 0) return node.kind === 'and' ? 'TRUE' : 'FALSE';
      return node.items.map(compileWhere).join(node.kind === 'and' ? ' AND ' : ' OR ');
    case 'not':
      return `NOT ${compileWhere(node.operand)}`;
    case 'parens':
      return `(${compileWhere(node.operand)})`;
    case 'constant':
      return node.value ? 'TRUE' : 'FALSE';
    case 'raw':
      return node.sql;
  }
}

export function operandSql(node: Operand): string {
  switch (node.kind) {
    case 'value':
      return valueSql(node);
    case 'column':
      return node.table === null ? quoteIdent(node.name) : `${node.table}.${quoteIdent(node.name)}`;
    case 'cast':
      return `CAST(${operandSql(node.operand)} AS ${node.type})`;
  }
}

function valueSql(node: ValueNode): string {
  const v = node.value;
  const text =
    v === null
      ? 'NULL'
      : typeof v === 'string'
        ? quoteLiteral(v)
        : typeof v === 'boolean'
          ? String(v).toUpperCase()
          : String(v);
  return node.type === null ? text : `CAST(${text} AS ${node.type})`;
}

function aggregateSql(node: AggregateNode): string {
  return `${node.fn}(${node.operand === null ? '*' : operandSql(node.operand)})`;
}

function selectItemSql(item: SelectItemNode): string {
  const sql = item.expression.kind === 'aggregate' ? aggregateSql(item.expression) : operandSql(item.expression);
  return item.alias === null ? sql : `${sql} AS ${quoteIdent(item.alias)}`;
}

function orderItemSql(item: OrderItemNode): string {
  const direction = item.direction === null ? '' : ` ${item.direction.toUpperCase()}`;
  const nulls = item.nulls === null ? '' : ` NULLS ${item.nulls.toUpperCase()}`;
  return `${operandSql(item.expression)}${direction}${nulls}`;
}

function fromSql(from: FromNode): string {
  return from.kind === 'table' ? from.sql : `(${compileTableQuery(from.query)}) AS ${from.alias}`;
}
