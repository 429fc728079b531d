/**
 * Writes: `insert_<t>`, `update_<t>`, `delete_<t>`, each one Delta transaction through
 * the lake's DML, so a mutation field either commits entirely or writes nothing (a bad
 * value fails in DuckDB's cast before the commit). Fields of one operation run in
 * order and commit separately, as GraphQL mutations do. Grants apply: only allowed
 * columns can be written, and with a row filter updates and deletes touch only the
 * rows it admits, and inserted rows must satisfy it.
 */
import { DeltaTable, fromSql as sqlSource, queryRows, quoteIdent, withConnection } from '../../lake/index.js';
import type { ApiContext, TableAccess } from '../api-context.js';
import type { Principal } from '../../catalog/index.js';
import { ForbiddenError } from '../../catalog/index.js';
import { refuseRowsLeavingFilter } from '../../engine/index.js';
import { sqlLiteral, whereSql, type BoolExp } from './filter-sql.js';
import { GraphqlInputError } from './graphql-errors.js';
import type { FieldResolver, GraphqlContext } from './graphql-context.js';
import type { ColumnModel, TableModel } from './table-models.js';

interface MutationResponse {
  readonly affected_rows: number;
  readonly version: number;
}

function writableColumns(model: TableModel, access: TableAccess, used: ReadonlySet<string>): ColumnModel[] {
  const allowed = access.columns === null ? null : new Set(access.columns.map((c) => c.toLowerCase()));
  for (const field of used) {
    const column = model.columns.find((c) => c.field === field);
    if (column === undefined || (allowed !== null && !allowed.has(column.column.toLowerCase()))) {
      throw new ForbiddenError(`Column ${field} of ${model.catalogName} cannot be written with this token.`, {
        table: model.catalogName,
        column: field,
      });
    }
  }
  return model.columns.filter((c) => allowed === null || allowed.has(c.column.toLowerCase()));
}

function guardedPredicate(model: TableModel, where: unknown, access: TableAccess): string {
  const predicate = whereSql(model, where as BoolExp);
  return access.rowFilter === null ? predicate : `(${predicate}) AND (${access.rowFilter})`;
}

async function insert(
  ctx: ApiContext,
  principal: Principal,
  model: TableModel,
  objects: readonly Record<string, unknown>[],
): Promise<MutationResponse> {
  const access = await ctx.tables.access(principal, model.catalogName, 'write');
  const table = await DeltaTable.open(access.table.location);
  if (objects.length === 0) return { affected_rows: 0, version: table.version };
  const columns = writableColumns(model, access, new Set(objects.flatMap((o) => Object.keys(o))));
  const rows = objects.map((o) => `(${columns.map((c) => sqlLiteral(c, o[c.field])).join(', ')})`);
  const sql = `SELECT * FROM (VALUES ${rows.join(', ')}) AS v(${columns.map((c) => quoteIdent(c.column)).join(', ')})`;
  if (access.rowFilter !== null) {
    const [outside] = await withConnection((c) =>
      queryRows(c, `SELECT count(*) AS n FROM (${sql}) WHERE NOT coalesce((${access.rowFilter}), false)`),
    );
    if (Number(outside?.n ?? 0) > 0)
      throw new ForbiddenError(
        `${String(outside?.n)} of the rows are outside the rows this token may write in ${model.catalogName} (${access.rowFilter}).`,
        { table: model.catalogName },
      );
  }
  const result = await table.append(sqlSource(sql));
  ctx.events.tableCommitted(model.catalogName);
  return { affected_rows: result.numRows, version: result.version };
}

async function update(
  ctx: ApiContext,
  principal: Principal,
  model: TableModel,
  where: unknown,
  set: Readonly<Record<string, unknown>>,
): Promise<MutationResponse> {
  const access = await ctx.tables.access(principal, model.catalogName, 'write');
  const fields = Object.keys(set);
  if (fields.length === 0)
    throw new GraphqlInputError(`update_${model.name} needs at least one column in _set.`, {
      table: model.catalogName,
    });
  writableColumns(model, access, new Set(fields));
  const assignments = Object.fromEntries(
    fields.map((f) => {
      const column = model.columns.find((c) => c.field === f)!;
      return [column.column, sqlLiteral(column, set[f])];
    }),
  );
  const table = await DeltaTable.open(access.table.location);
  const predicate = guardedPredicate(model, where, access);
  // New values must keep every updated row inside the token's row filter (as REST's PATCH).
  await refuseRowsLeavingFilter(table.snapshot, assignments, predicate, access.rowFilter);
  const result = await table.update(assignments, predicate);
  if (result.committed) ctx.events.tableCommitted(model.catalogName);
  return { affected_rows: result.numUpdatedRows, version: result.version };
}

async function remove(
  ctx: ApiContext,
  principal: Principal,
  model: TableModel,
  where: unknown,
): Promise<MutationResponse> {
  const access = await ctx.tables.access(principal, model.catalogName, 'write');
  const table = await DeltaTable.open(access.table.location);
  const result = await table.delete(guardedPredicate(model, where, access));
  if (result.committed) ctx.events.tableCommitted(model.catalogName);
  return { affected_rows: result.numDeletedRows, version: result.version };
}

export function mutationResolvers(ctx: ApiContext, model: TableModel): Record<string, FieldResolver> {
  return {
    [`insert_${model.name}`]: (_s, args, context: GraphqlContext) =>
      insert(ctx, context.principal, model, args.objects as Record<string, unknown>[]),
    [`update_${model.name}`]: (_s, args, context: GraphqlContext) =>
      update(ctx, context.principal, model, args.where, args._set as Record<string, unknown>),
    [`delete_${model.name}`]: (_s, args, context: GraphqlContext) => remove(ctx, context.principal, model, args.where),
  };
}
