/**
 * Compiles parsed filter clauses and order terms (search-filter.ts) to SQL fragments
 * over one entity table: runs, experiments, registered models or model versions. The
 * whole search is then one query: key/value entities become EXISTS subqueries on their
 * indexed (key, value) tables, order terms LEFT JOINs, and every key and value a bound
 * parameter; comparators come from a fixed map, never from the request's text.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Comparator, FilterClause, FilterEntity, OrderTerm } from './search-filter.js';

export interface SearchTarget {
  /** The entity table's alias in the query (`r`). */
  readonly alias: string;
  /** Columns joining an entity row to its key/value rows (`['run_uuid']`, `['name', 'version']`). */
  readonly idColumns: readonly string[];
  /** The key/value table of each entity (metrics: the latest value per key). */
  readonly tables: Partial<Readonly<Record<Exclude<FilterEntity, 'attribute'>, string>>>;
  /** The column of each attribute key. */
  readonly columns: Readonly<Record<string, string>>;
}

const OPERATORS: Readonly<Record<Comparator, string>> = {
  '=': '=',
  '!=': '<>',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
  LIKE: 'like',
  ILIKE: 'ilike',
  IN: 'in',
  'NOT IN': 'not in',
};

export function whereSql(clauses: readonly FilterClause[], target: SearchTarget): RawBuilder<unknown> {
  if (clauses.length === 0) return sql`true`;
  return sql.join(
    clauses.map((clause) => clauseSql(clause, target)),
    sql` and `,
  );
}

function clauseSql(clause: FilterClause, target: SearchTarget): RawBuilder<unknown> {
  const op = sql.raw(OPERATORS[clause.comparator]);
  const value = clause.kind === 'list' ? sql`(${sql.join(clause.value.map((v) => sql`${v}`))})` : sql`${clause.value}`;
  if (clause.entity === 'attribute')
    return sql`${sql.ref(`${target.alias}.${target.columns[clause.key]!}`)} ${op} ${value}`;
  const table = target.tables[clause.entity]!;
  return sql`exists (select 1 from ${sql.table(table)} kv where ${joinOn('kv', target)} and kv.key = ${clause.key} and kv.value ${op} ${value})`;
}

export interface OrderSql {
  readonly joins: RawBuilder<unknown>;
  readonly orderBy: RawBuilder<unknown>;
}

/** Order terms, then `tiebreak` (the default order and a unique key, so pages never overlap). */
export function orderSql(terms: readonly OrderTerm[], target: SearchTarget, tiebreak: string): OrderSql {
  const joins: RawBuilder<unknown>[] = [];
  const keys: RawBuilder<unknown>[] = [];
  terms.forEach((term, index) => {
    const direction = sql.raw(term.ascending ? 'asc' : 'desc');
    if (term.entity === 'attribute') {
      keys.push(sql`${sql.ref(`${target.alias}.${target.columns[term.key]!}`)} ${direction} nulls last`);
      return;
    }
    const alias = `o${index}`;
    joins.push(
      sql` left join ${sql.table(target.tables[term.entity]!)} ${sql.raw(alias)} on ${joinOn(alias, target)} and ${sql.raw(alias)}.key = ${term.key}`,
    );
    // Runs without the key sort last either way, as MLflow sorts them.
    keys.push(sql`${sql.raw(alias)}.value ${direction} nulls last`);
  });
  keys.push(sql.raw(tiebreak));
  return { joins: sql.join(joins, sql``), orderBy: sql.join(keys) };
}

function joinOn(alias: string, target: SearchTarget): RawBuilder<unknown> {
  return sql.join(
    target.idColumns.map((c) => sql`${sql.ref(`${alias}.${c}`)} = ${sql.ref(`${target.alias}.${c}`)}`),
    sql` and `,
  );
}

/** MLflow's page tokens are opaque strings; ours carry the offset of the next page. */
export function encodePageToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64');
}

export function decodePageToken(token: string | undefined, invalid: (message: string) => Error): number {
  if (token === undefined || token === '') return 0;
  try {
    const { offset } = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { offset?: unknown };
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // falls through to the error below
  }
  throw invalid(`Invalid page token, could not base64-decode: '${token}'.`);
}
