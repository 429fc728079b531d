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

/**
 * Order terms, then `tiebreak` (the default order and a unique key, so pages never overlap).
 * `innerFirst`: the first term's key/value table is inner-joined, so only entities that
 * have the key are returned, in an order an index on (key, value) can produce (see
 * missingKeySql for the others).
 */
export function orderSql(
  terms: readonly OrderTerm[],
  target: SearchTarget,
  tiebreak: string,
  innerFirst = false,
): OrderSql {
  const joins: RawBuilder<unknown>[] = [];
  const keys: RawBuilder<unknown>[] = [];
  terms.forEach((term, index) => {
    const direction = sql.raw(term.ascending ? 'asc' : 'desc');
    if (term.entity === 'attribute') {
      keys.push(sql`${sql.ref(`${target.alias}.${target.columns[term.key]!}`)} ${direction} nulls last`);
      return;
    }
    const alias = `o${index}`;
    const join = sql.raw(innerFirst && index === 0 ? 'join' : 'left join');
    joins.push(
      sql` ${join} ${sql.table(target.tables[term.entity]!)} ${sql.raw(alias)} on ${joinOn(alias, target)} and ${sql.raw(alias)}.key = ${term.key}`,
    );
    // Runs without the key sort last either way, as MLflow sorts them. An inner-joined
    // key has no nulls: no NULLS clause, so a backward index scan gives the DESC order.
    keys.push(
      innerFirst && index === 0
        ? sql`${sql.raw(alias)}.value ${direction}`
        : sql`${sql.raw(alias)}.value ${direction} nulls last`,
    );
  });
  keys.push(sql.raw(tiebreak));
  return { joins: sql.join(joins, sql``), orderBy: sql.join(keys) };
}

/** Entities without the order term's key (they sort after all those with it). */
export function missingKeySql(term: OrderTerm, target: SearchTarget): RawBuilder<unknown> {
  return sql`not exists (select 1 from ${sql.table(target.tables[term.entity as Exclude<FilterEntity, 'attribute'>]!)} kv where ${joinOn('kv', target)} and kv.key = ${term.key})`;
}

function joinOn(alias: string, target: SearchTarget): RawBuilder<unknown> {
  return sql.join(
    target.idColumns.map((c) => sql`${sql.ref(`${alias}.${c}`)} = ${sql.ref(`${target.alias}.${c}`)}`),
    sql` and `,
  );
}

/**
 * MLflow's page tokens are opaque strings; ours carry the offset of the next page and, for
 * searches in two phases (entities with the first order key, then those without), the phase.
 */
export function encodePageToken(offset: number, phase: 1 | 2 = 1): string {
  return Buffer.from(JSON.stringify(phase === 1 ? { offset } : { offset, phase })).toString('base64');
}

export function decodePageToken(token: string | undefined, invalid: (message: string) => Error): number {
  return decodePhasedToken(token, invalid).offset;
}

export function decodePhasedToken(
  token: string | undefined,
  invalid: (message: string) => Error,
): { offset: number; phase: 1 | 2 } {
  if (token === undefined || token === '') return { offset: 0, phase: 1 };
  try {
    const { offset, phase } = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as {
      offset?: unknown;
      phase?: unknown;
    };
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0 && (phase === undefined || phase === 2)) {
      return { offset, phase: phase === 2 ? 2 : 1 };
    }
  } catch {
    // falls through to the error below
  }
  throw invalid(`Invalid page token, could not base64-decode: '${token}'.`);
}
