/**
 * Reading tables: list fields, `<table>_aggregate` and federation entity references.
 * Each becomes one structured query over one table, run by ctx.queries (which applies
 * the principal's grant to it and compiles it), cached by ResponseCache under an ETag of (SQL, visibility, table
 * version): a repeated query over an unchanged table skips DuckDB, and a commit changes
 * the key. The version comes from the snapshot cache (planTableRead, as REST's reads), not
 * from planning the SQL, and the query runs pinned to it, so the rows match the ETag.
 * A hit returns the decoded result (row objects) kept beside the cached JSON body, so it
 * costs no parse; the body keeps the shared cache's byte accounting and eviction.
 */
import type { GraphQLResolveInfo } from 'graphql';
import {
  compileTableQuery,
  pinnedTableRef,
  planTableRead,
  sqlValue,
  tableColumn,
  tableFrom,
  tableQuery,
  type AggregateFunction,
  type SelectItemNode,
  type SqlValue,
  type TableQuery,
} from '../../engine/index.js';
import type { ApiContext } from '../api-context.js';
import { visibilityKey, type Principal } from '../../catalog/index.js';
import { cachedOrProduced } from '../cache/cached-response.js';
import { ResponseCache, type CachedBody } from '../cache/response-cache.js';
import { countArgument, orderByNodes, whereNode, type BoolExp } from './filter-sql.js';
import type { FieldResolver, GraphqlContext } from './graphql-context.js';
import type { ColumnModel, TableModel } from './table-models.js';

type Row = Record<string, SqlValue>;

/** Decoded results by the cached body they were stored as: they go when the cache evicts the body. */
const decodedBodies = new WeakMap<CachedBody, unknown>();

/** A structured query of the model's table, without its FROM (the version decides it). */
export type ReadParts = Partial<Omit<TableQuery, 'kind' | 'from'>>;

/**
 * The structured query `parts` over the model's table [AT version], decoded, from the
 * response cache when the table version is unchanged. `decode` maps the raw rows; its result
 * is shared by every hit, so callers must not mutate it.
 */
export async function cachedRead<T>(
  ctx: ApiContext,
  principal: Principal,
  model: TableModel,
  atVersion: unknown,
  parts: ReadParts,
  decode: (rows: readonly (readonly SqlValue[])[]) => T,
): Promise<T> {
  const pinned = countArgument('at_version', atVersion);
  const { tables, version } = await planTableRead(
    { name: model.catalogName, location: model.location },
    pinned ?? null,
  );
  const query = (at: number | undefined) =>
    tableQuery(tableFrom(model.catalogName, pinnedTableRef(model.sqlName, at)), parts);
  // The key is the query as asked (the visibility key stands for the grant the service applies).
  const etag = ResponseCache.etag({ graphql: compileTableQuery(query(pinned)) }, visibilityKey(principal), tables);
  const body = await cachedOrProduced(ctx, etag, async () => {
    const result = await ctx.queries.runTableQuery({ principal, query: query(version), maxRows: ctx.limits.maxRows });
    const decoded = decode(result.rows);
    const produced: CachedBody = { contentType: 'application/json', body: Buffer.from(JSON.stringify(result.rows)) };
    decodedBodies.set(produced, decoded);
    return produced;
  });
  let decoded = decodedBodies.get(body) as T | undefined;
  if (decoded === undefined) {
    decoded = decode(JSON.parse(body.body.toString('utf8')) as SqlValue[][]);
    decodedBodies.set(body, decoded);
  }
  return decoded;
}

function selectList(columns: readonly ColumnModel[]): SelectItemNode[] {
  // A table without visible columns still has rows: select a constant per row.
  if (columns.length === 0) return [{ expression: sqlValue(1), alias: null }];
  return columns.map((c) => ({ expression: tableColumn(c.column), alias: null }));
}

function toObject(columns: readonly ColumnModel[], row: readonly SqlValue[]): Row {
  const out: Row = {};
  for (let i = 0; i < columns.length; i++) out[columns[i]!.field] = row[i] ?? null;
  return out;
}

export async function listRows(
  ctx: ApiContext,
  principal: Principal,
  model: TableModel,
  args: Readonly<Record<string, unknown>>,
): Promise<Row[]> {
  const limit = countArgument('limit', args.limit, ctx.limits.maxRows) ?? ctx.limits.maxRows;
  const offset = countArgument('offset', args.offset);
  const parts: ReadParts = {
    select: selectList(model.columns),
    where: whereNode(model, args.where as BoolExp | undefined),
    orderBy: orderByNodes(model, args.order_by as BoolExp[] | undefined),
    limit,
    offset: offset ?? null,
  };
  return cachedRead(ctx, principal, model, args.at_version, parts, (rows) =>
    rows.map((row) => toObject(model.columns, row)),
  );
}

interface Aggregate {
  readonly item: SelectItemNode;
  /** Where the value goes: ['count'] or ['sum', field]. */
  readonly path: readonly [string] | readonly [string, string];
}

function aggregates(model: TableModel): Aggregate[] {
  const of = (fn: AggregateFunction, c: ColumnModel | null, path: Aggregate['path']): Aggregate => ({
    item: { expression: { kind: 'aggregate', fn, operand: c === null ? null : tableColumn(c.column) }, alias: null },
    path,
  });
  const out: Aggregate[] = [of('count', null, ['count'])];
  for (const c of model.columns) {
    if (c.type.numeric) out.push(of('sum', c, ['sum', c.field]), of('avg', c, ['avg', c.field]));
    if (c.type.ordered) out.push(of('min', c, ['min', c.field]), of('max', c, ['max', c.field]));
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

export async function aggregateRows(
  ctx: ApiContext,
  principal: Principal,
  model: TableModel,
  args: Readonly<Record<string, unknown>>,
  info: GraphQLResolveInfo,
): Promise<Record<string, unknown>> {
  const list = aggregates(model);
  const select = list.map((a) => a.item);
  const where = whereNode(model, args.where as BoolExp | undefined);
  const wanted = selected(info);
  const out: Record<string, unknown> = { aggregate: null, groups: [] };
  if (wanted.has('aggregate')) {
    out.aggregate = await cachedRead(ctx, principal, model, args.at_version, { select, where }, ([row]) =>
      aggregateObject(list, row ?? []),
    );
  }
  const groupBy = ((args.group_by as string[] | null | undefined) ?? []).map((field) =>
    model.columns.find((c) => c.field === field)!,
  );
  if (wanted.has('groups') && groupBy.length > 0) {
    const keys = groupBy.map((c) => tableColumn(c.column));
    const limit = countArgument('limit', args.limit, ctx.limits.maxRows) ?? ctx.limits.maxRows;
    const offset = countArgument('offset', args.offset);
    const parts: ReadParts = {
      select: [...keys.map((k) => ({ expression: k, alias: null })), ...select],
      where,
      groupBy: keys,
      orderBy: keys.map((k) => ({ expression: k, direction: null, nulls: null })),
      limit,
      offset: offset ?? null,
    };
    out.groups = await cachedRead(ctx, principal, model, args.at_version, parts, (rows) =>
      rows.map((row) => ({
        key: toObject(groupBy, row.slice(0, groupBy.length)),
        aggregate: aggregateObject(list, row.slice(groupBy.length)),
      })),
    );
  }
  return out;
}

/** The entity a federation gateway refers to by its key fields, or null. */
export async function resolveReference(
  ctx: ApiContext,
  principal: Principal,
  model: TableModel,
  reference: Readonly<Record<string, unknown>>,
): Promise<Row | null> {
  const where: Record<string, unknown> = {};
  for (const field of model.key ?? [])
    where[field] = reference[field] === null ? { _is_null: true } : { _eq: reference[field] };
  const [row] = await listRows(ctx, principal, model, { where, limit: 1 });
  return row ?? null;
}

export function queryResolvers(ctx: ApiContext, model: TableModel): Record<string, FieldResolver> {
  return {
    [model.name]: (_source, args, context: GraphqlContext) => listRows(ctx, context.principal, model, args),
    [`${model.name}_aggregate`]: (_source, args, context: GraphqlContext, info) =>
      aggregateRows(ctx, context.principal, model, args, info),
  };
}
