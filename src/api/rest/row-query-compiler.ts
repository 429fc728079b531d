/**
 * A parsed RowQuery as the engine's structured table query over a catalog table (the
 * QueryService applies the principal's grant to it and compiles it with the engine's
 * one compiler). Plain queries are
 * `SELECT cols FROM t WHERE ... ORDER BY ... LIMIT ... OFFSET ...`; aggregate queries
 * group by their plain columns inside a subquery, so that order and keyset conditions
 * refer to output names.
 */
import {
  andAll,
  keysetAfter,
  tableColumn,
  tableQuery,
  type AggregateNode,
  type ColumnNode,
  type FromNode,
  type KeysetTerm,
  type OrderItemNode,
  type SelectItemNode,
  type TableQuery,
} from '../../engine/index.js';
import { BadRequestError } from '../errors.js';
import { conditionsWhere, resolveColumn, type TableColumn, type TypedLiteral } from './row-query-conditions.js';
import { decodeCursor } from './row-query-cursor.js';
import type { RowQuery } from './row-query-parser.js';
import type { SelectItem } from './row-query-select.js';

export interface CompiledRowQuery {
  /** The structured query, for the QueryService's runTableQuery (which applies the grant and compiles it). */
  readonly query: TableQuery;
  /** Values to check with TRY_CAST before running (row-query-values.ts). */
  readonly literals: readonly TypedLiteral[];
  /** Output column index of each order term, or null when the output lacks one (no next-page cursor). */
  readonly cursorColumns: readonly number[] | null;
}

interface Output {
  readonly name: string;
  readonly item: SelectItemNode;
  /** The table column it shows (plain items); null for aggregates. */
  readonly column: TableColumn | null;
}

const NUMERIC =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL\(\d+,\d+\))$/;

/** The alias of the grouped subquery, which order and keyset terms of aggregate queries qualify. */
const GROUPED = 'q';

export function compileRowQuery(
  query: RowQuery,
  columns: readonly TableColumn[],
  table: FromNode,
  limit: number,
): CompiledRowQuery {
  const literals: TypedLiteral[] = [];
  const outputs = outputsOf(query.select, columns);
  const aggregate = outputs.some((o) => o.column === null);
  const where = conditionsWhere(query.where, columns, literals);
  const keyset = keysetTerms(query, outputs, columns, aggregate);
  const after = query.after === null ? null : keysetAfter(keyset, decodeCursor(query.after, query.order));
  const orderBy = keyset.map((k): OrderItemNode => ({
    expression: k.expression,
    direction: k.direction,
    nulls: k.nulls,
  }));
  const page = { limit, offset: query.offset };
  const select = outputs.map((o) => o.item);
  let structured: TableQuery;
  if (aggregate) {
    const groupBy = outputs.filter((o) => o.column !== null).map((o) => tableColumn(o.column!.name));
    const grouped = tableQuery(table, { select, where, groupBy });
    structured = tableQuery({ kind: 'subquery', query: grouped, alias: GROUPED }, { where: after, orderBy, ...page });
  } else {
    structured = tableQuery(table, { select, where: andAll([where, after]), orderBy, ...page });
  }
  return {
    query: structured,
    literals,
    cursorColumns: cursorColumns(keyset),
  };
}

function outputsOf(select: readonly SelectItem[] | null, columns: readonly TableColumn[]): Output[] {
  const items = select ?? columns.map((c): SelectItem => ({ kind: 'column', column: c.name, alias: null }));
  const outputs = items.map((item): Output => {
    if (item.kind === 'column') {
      const column = resolveColumn(columns, item.column);
      const name = item.alias ?? column.name;
      return {
        name,
        item: { expression: tableColumn(column.name), alias: name === column.name ? null : name },
        column,
      };
    }
    const name = item.alias ?? item.fn;
    if (item.column === null)
      return { name, item: { expression: aggregateOf('count', null), alias: name }, column: null };
    const column = resolveColumn(columns, item.column);
    if ((item.fn === 'sum' || item.fn === 'avg') && !NUMERIC.test(column.type)) {
      throw new BadRequestError(`${item.fn}() needs a numeric column; "${column.name}" is ${column.type}.`, {
        column: column.name,
        type: column.type,
        aggregate: item.fn,
      });
    }
    return { name, item: { expression: aggregateOf(item.fn, tableColumn(column.name)), alias: name }, column: null };
  });
  const seen = new Set<string>();
  for (const o of outputs) {
    if (seen.has(o.name))
      throw new BadRequestError(`Two selected items are named "${o.name}"; give one an alias (alias:item).`, {
        name: o.name,
      });
    seen.add(o.name);
  }
  return outputs;
}

function aggregateOf(fn: AggregateNode['fn'], operand: ColumnNode | null): AggregateNode {
  return { kind: 'aggregate', fn, operand };
}

interface RowKeysetTerm extends KeysetTerm {
  /** The output that shows the term's value, or -1. */
  readonly output: number;
}

function keysetTerms(
  query: RowQuery,
  outputs: readonly Output[],
  columns: readonly TableColumn[],
  aggregate: boolean,
): RowKeysetTerm[] {
  return query.order.map((term): RowKeysetTerm => {
    const order = { direction: term.direction, nulls: term.nulls };
    if (aggregate) {
      const output = outputs.findIndex((o) => o.name === term.name);
      if (output < 0) {
        throw new BadRequestError(
          `Cannot order by "${term.name}": an aggregate query orders by its output names (${outputs.map((o) => o.name).join(', ')}).`,
          { order: term.name },
        );
      }
      const shown = outputs[output]!;
      return { ...order, expression: tableColumn(shown.name, GROUPED), type: shown.column?.type ?? null, output };
    }
    const aliased = outputs.find((o) => o.name === term.name && o.column !== null);
    const column = aliased?.column ?? resolveColumn(columns, term.name);
    const output = outputs.findIndex((o) => o.column?.name === column.name);
    return { ...order, expression: tableColumn(column.name), type: column.type, output };
  });
}

function cursorColumns(keyset: readonly RowKeysetTerm[]): number[] | null {
  if (keyset.length === 0) return null;
  const indexes = keyset.map((k) => k.output);
  return indexes.every((i) => i >= 0) ? indexes : null;
}
