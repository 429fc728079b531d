/**
 * Reading tables: list fields, `<table>_aggregate` and federation entity references.
 * Each becomes one SQL query run by ctx.queries (which applies the principal's grants),
 * cached by ResponseCache under an ETag of (SQL, visibility, table versions read): a
 * repeated query over unchanged tables skips DuckDB, and a commit changes the key.
 */
import type { GraphQLResolveInfo } from 'graphql';
import { quoteIdent } from '../../lake/index.js';
import type { SqlValue } from '../../engine/index.js';
import type { ApiContext } from '../api-context.js';
import { visibilityKey, type Principal } from '../auth/principal.js';
import { ResponseCache } from '../cache/response-cache.js';
import { countArgument, fromSql, orderBySql, whereSql, type BoolExp } from './filter-sql.js';
import type { FieldResolver, GraphqlContext } from './graphql-context.js';
import type { ColumnModel, TableModel } from './table-models.js';

type Row = Record<string, SqlValue>;

/** The rows of a read-only SQL query, from the response cache when its tables are unchanged. */
export async function cachedRows(ctx: ApiContext, principal: Principal, sql: string): Promise<readonly (readonly SqlValue[])[]> {
  const tables = await ctx.queries.plan(principal, sql);
  const etag = ResponseCache.etag({ graphql: sql }, visibilityKey(principal), tables);
  const cached = ctx.cache.get(etag);
  ctx.metrics.cacheOutcome(cached === undefined ? 'miss' : 'hit');
  if (cached !== undefined) return JSON.parse(cached.body.toString('utf8')) as SqlValue[][];
  const result = await ctx.queries.run({ principal, sql, maxRows: ctx.limits.maxRows });
  ctx.cache.set(etag, { contentType: 'application/json', body: Buffer.from(JSON.stringify(result.rows)) });
  return result.rows;
}

function selectList(columns: readonly ColumnModel[]): string {
  return columns.length === 0 ? '1' : columns.map((c) => quoteIdent(c.column)).join(', ');
}

function toObject(columns: readonly ColumnModel[], row: readonly SqlValue[]): Row {
  return Object.fromEntries(columns.map((c, i) => [c.field, row[i] ?? null]));
}

export async function listRows(ctx: ApiContext, principal: Principal, model: TableModel, args: Readonly<Record<string, unknown>>): Promise<Row[]> {
  const limit = countArgument('limit', args.limit, ctx.limits.maxRows) ?? ctx.limits.maxRows;
  const offset = countArgument('offset', args.offset);
  const sql = `SELECT ${selectList(model.columns)} FROM ${fromSql(model, args.at_version)} WHERE ${whereSql(model, args.where as BoolExp | undefined)}`
    + `${orderBySql(model, args.order_by as BoolExp[] | undefined)} LIMIT ${limit}${offset ? ` OFFSET ${offset}` : ''}`;
  return (await cachedRows(ctx, principal, sql)).map((row) => toObject(model.columns, row));
}

interface Aggregate {
  readonly sql: string;
  /** Where the value goes: ['count'] or ['sum', field]. */
  readonly path: readonly [string] | readonly [string, string];
}

function aggregates(model: TableModel): Aggregate[] {
  const out: Aggregate[] = [{ sql: 'count(*)', path: ['count'] }];
  for (const c of model.columns) {
    const col = quoteIdent(c.column);
    if (c.type.numeric) out.push({ sql: `sum(${col})`, path: ['sum', c.field] }, { sql: `avg(${col})`, path: ['avg', c.field] });
    if (c.type.ordered) out.push({ sql: `min(${col})`, path: ['min', c.field] }, { sql: `max(${col})`, path: ['max', c.field] });
  }
  return out;
}

function aggregateObject(list: readonly Aggregate[], values: readonly SqlValue[]): Record<string, unknown> {
  const out: Record<string, Record<string, unknown> | SqlValue> = {};
  list.forEach((a, i) => {
    const value = values[i] ?? null;
    if (a.path.length === 1) out[a.path[0]] = value;
    else ((out[a.path[0]] ??= {}) as Record<string, unknown>)[a.path[1]] = value;
  });
  return out;
}

/** Which of `aggregate` / `groups` the query selected (fragments: assume both). */
function selected(info: GraphQLResolveInfo): Set<string> {
  const names = new Set<string>();
  for (const node of info.fieldNodes) {
    for (const selection of node.selectionSet?.selections ?? []) {
      if (selection.kind === 'Field') names.add(selection.name.value);
      else names.add('aggregate').add('groups');
    }
  }
  return names;
}

export async function aggregateRows(ctx: ApiContext, principal: Principal, model: TableModel, args: Readonly<Record<string, unknown>>, info: GraphQLResolveInfo): Promise<Record<string, unknown>> {
  const list = aggregates(model);
  const aggSql = list.map((a) => a.sql).join(', ');
  const source = `FROM ${fromSql(model, args.at_version)} WHERE ${whereSql(model, args.where as BoolExp | undefined)}`;
  const wanted = selected(info);
  const out: Record<string, unknown> = { aggregate: null, groups: [] };
  if (wanted.has('aggregate')) {
    const [row] = await cachedRows(ctx, principal, `SELECT ${aggSql} ${source}`);
    out.aggregate = aggregateObject(list, row ?? []);
  }
  const groupBy = ((args.group_by as string[] | null | undefined) ?? []).map((field) => model.columns.find((c) => c.field === field)!);
  if (wanted.has('groups') && groupBy.length > 0) {
    const keys = groupBy.map((c) => quoteIdent(c.column)).join(', ');
    const limit = countArgument('limit', args.limit, ctx.limits.maxRows) ?? ctx.limits.maxRows;
    const offset = countArgument('offset', args.offset);
    const sql = `SELECT ${keys}, ${aggSql} ${source} GROUP BY ${keys} ORDER BY ${keys} LIMIT ${limit}${offset ? ` OFFSET ${offset}` : ''}`;
    out.groups = (await cachedRows(ctx, principal, sql)).map((row) => ({
      key: toObject(groupBy, row.slice(0, groupBy.length)),
      aggregate: aggregateObject(list, row.slice(groupBy.length)),
    }));
  }
  return out;
}

/** The entity a federation gateway refers to by its key fields, or null. */
export async function resolveReference(ctx: ApiContext, principal: Principal, model: TableModel, reference: Readonly<Record<string, unknown>>): Promise<Row | null> {
  const where: Record<string, unknown> = {};
  for (const field of model.key ?? []) where[field] = reference[field] === null ? { _is_null: true } : { _eq: reference[field] };
  const [row] = await listRows(ctx, principal, model, { where, limit: 1 });
  return row ?? null;
}

export function queryResolvers(ctx: ApiContext, model: TableModel): Record<string, FieldResolver> {
  return {
    [model.name]: (_source, args, context: GraphqlContext) => listRows(ctx, context.principal, model, args),
    [`${model.name}_aggregate`]: (_source, args, context: GraphqlContext, info) => aggregateRows(ctx, context.principal, model, args, info),
  };
}
