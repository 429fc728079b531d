/**
 * A parsed RowQuery as one SELECT over a table reference (the quoted catalog name,
 * optionally `AT (VERSION => n)`; the QueryService applies grants to it). Plain
 * queries are `SELECT cols FROM t WHERE ... ORDER BY ... LIMIT ... OFFSET ...`;
 * aggregate queries group by their plain columns inside a subquery, so that order
 * and keyset conditions refer to output names.
 */
import { quoteIdent } from '../../lake/index.js';
import { BadRequestError } from '../errors.js';
import { compileConditions, resolveColumn, type TableColumn, type TypedLiteral } from './row-query-conditions.js';
import { decodeCursor, keysetPredicate, type KeysetTerm } from './row-query-cursor.js';
import type { RowQuery } from './row-query-parser.js';
import type { SelectItem } from './row-query-select.js';

export interface CompiledRowQuery {
  readonly sql: string;
  /** Values to check with TRY_CAST before running (row-query-values.ts). */
  readonly literals: readonly TypedLiteral[];
  /** Output column index of each order term, or null when the output lacks one (no next-page cursor). */
  readonly cursorColumns: readonly number[] | null;
}

interface Output {
  readonly name: string;
  readonly sql: string;
  /** The table column it shows (plain items); null for aggregates. */
  readonly column: TableColumn | null;
  readonly aggregate: boolean;
}

const NUMERIC =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL\(\d+,\d+\))$/;

export function compileRowQuery(
  query: RowQuery,
  columns: readonly TableColumn[],
  from: string,
  limit: number,
): CompiledRowQuery {
  const literals: TypedLiteral[] = [];
  const outputs = outputsOf(query.select, columns);
  const aggregate = outputs.some((o) => o.aggregate);
  const where = compileConditions(query.where, columns, literals);
  const keyset = orderTerms(query, outputs, columns, aggregate);
  const after = query.after === null ? null : keysetPredicate(keyset, decodeCursor(query.after, query.order));
  const orderBy =
    keyset.length === 0
      ? ''
      : ` ORDER BY ${keyset.map((k) => `${k.sql} ${k.term.direction.toUpperCase()} NULLS ${k.term.nulls.toUpperCase()}`).join(', ')}`;
  const page = ` LIMIT ${limit}${query.offset ? ` OFFSET ${query.offset}` : ''}`;
  const list = outputs
    .map((o) => (o.sql === quoteIdent(o.name) ? o.sql : `${o.sql} AS ${quoteIdent(o.name)}`))
    .join(', ');
  let sql: string;
  if (aggregate) {
    const keys = outputs.filter((o) => !o.aggregate).map((o) => o.sql);
    const grouped = `SELECT ${list} FROM ${from}${where ? ` WHERE ${where}` : ''}${keys.length > 0 ? ` GROUP BY ${keys.join(', ')}` : ''}`;
    sql = `SELECT * FROM (${grouped}) AS q${after ? ` WHERE ${after}` : ''}${orderBy}${page}`;
  } else {
    const filters = [where, after].filter((f): f is string => f !== null);
    sql = `SELECT ${list} FROM ${from}${filters.length > 0 ? ` WHERE ${filters.join(' AND ')}` : ''}${orderBy}${page}`;
  }
  return { sql, literals, cursorColumns: cursorColumns(keyset, outputs, aggregate) };
}

function outputsOf(select: readonly SelectItem[] | null, columns: readonly TableColumn[]): Output[] {
  const items = select ?? columns.map((c): SelectItem => ({ kind: 'column', column: c.name, alias: null }));
  const outputs = items.map((item): Output => {
    if (item.kind === 'column') {
      const column = resolveColumn(columns, item.column);
      return { name: item.alias ?? column.name, sql: quoteIdent(column.name), column, aggregate: false };
    }
    if (item.column === null) return { name: item.alias ?? 'count', sql: 'count(*)', column: null, aggregate: true };
    const column = resolveColumn(columns, item.column);
    if ((item.fn === 'sum' || item.fn === 'avg') && !NUMERIC.test(column.type)) {
      throw new BadRequestError(`${item.fn}() needs a numeric column; "${column.name}" is ${column.type}.`, {
        column: column.name,
        type: column.type,
        aggregate: item.fn,
      });
    }
    return {
      name: item.alias ?? item.fn,
      sql: `${item.fn}(${quoteIdent(column.name)})`,
      column: null,
      aggregate: true,
    };
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

function orderTerms(
  query: RowQuery,
  outputs: readonly Output[],
  columns: readonly TableColumn[],
  aggregate: boolean,
): KeysetTerm[] {
  return query.order.map((term): KeysetTerm => {
    if (aggregate) {
      const output = outputs.find((o) => o.name === term.name);
      if (!output) {
        throw new BadRequestError(
          `Cannot order by "${term.name}": an aggregate query orders by its output names (${outputs.map((o) => o.name).join(', ')}).`,
          { order: term.name },
        );
      }
      return { term, sql: `q.${quoteIdent(output.name)}`, type: output.column?.type ?? null };
    }
    const aliased = outputs.find((o) => o.name === term.name && o.column !== null);
    const column = aliased?.column ?? resolveColumn(columns, term.name);
    return { term, sql: quoteIdent(column.name), type: column.type };
  });
}

function cursorColumns(keyset: readonly KeysetTerm[], outputs: readonly Output[], aggregate: boolean): number[] | null {
  if (keyset.length === 0) return null;
  const indexes = keyset.map((k) =>
    outputs.findIndex(
      (o) => (aggregate ? `q.${quoteIdent(o.name)}` : o.column ? quoteIdent(o.column.name) : '') === k.sql,
    ),
  );
  return indexes.every((i) => i >= 0) ? indexes : null;
}
