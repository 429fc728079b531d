/**
 * Lineage: which tables an operation read (from) to write a table (to). Edges refer
 * to tables by identity, so they disappear with a dropped table and never attach to
 * a new table that reuses the name.
 */
import { InvalidArgumentError } from '../core/index.js';
import { hasPgErrorCode, PgErrorCode } from '../meta/index.js';
import type { CatalogDb } from './catalog-tables.js';
import { selectTable, type CatalogContext } from './catalog-context.js';
import { tableNotFound } from './table-operations.js';
import { formatTableName, toTableName, type TableName } from './table-name.js';

export interface LineageEdge {
  readonly from: string;
  readonly to: string;
  /** e.g. `CREATE TABLE AS SELECT`, `MERGE`, `INSERT`, or a flow's task name. */
  readonly operation: string;
  readonly recordedAt: Date;
}

export interface LineageInput {
  readonly from: string | TableName | readonly (string | TableName)[];
  readonly to: string | TableName;
  readonly operation: string;
}

export interface Lineage {
  /** Edges into the table: what it was written from. */
  readonly upstream: readonly LineageEdge[];
  /** Edges out of it: what was written from it. */
  readonly downstream: readonly LineageEdge[];
}

export async function recordLineage(ctx: CatalogContext, input: LineageInput): Promise<LineageEdge[]> {
  const operation = input.operation.trim();
  if (operation === '') throw new InvalidArgumentError('A lineage record needs an operation (e.g. "INSERT").');
  const sources = (Array.isArray(input.from) ? input.from : [input.from]) as readonly (string | TableName)[];
  const to = await tableId(ctx, input.to);
  const from = await Promise.all(sources.map((s) => tableId(ctx, s)));
  if (from.length === 0) return [];
  let inserted: { id: number }[];
  try {
    inserted = await ctx.meta.db
      .insertInto('catalog_lineage')
      .values(from.map((f) => ({ from_table_id: f, to_table_id: to, operation })))
      .returning('id')
      .execute();
  } catch (error) {
    // One of the tables was dropped meanwhile: say which.
    if (hasPgErrorCode(error, PgErrorCode.foreignKeyViolation))
      await Promise.all([input.to, ...sources].map((s) => tableId(ctx, s)));
    throw error;
  }
  return edges(ctx.meta.db, { ids: inserted.map((r) => r.id) });
}

export async function lineage(ctx: CatalogContext, input: string | TableName): Promise<Lineage> {
  const id = await tableId(ctx, input);
  return { upstream: await edges(ctx.meta.db, { to: id }), downstream: await edges(ctx.meta.db, { from: id }) };
}

async function tableId(ctx: CatalogContext, input: string | TableName): Promise<string> {
  const name = toTableName(input, ctx.defaultSchema);
  const row = await selectTable(ctx.meta.db, name);
  if (!row) throw await tableNotFound(ctx, name);
  return row.id;
}

async function edges(db: CatalogDb, filter: { from?: string; to?: string; ids?: number[] }): Promise<LineageEdge[]> {
  let query = db
    .selectFrom('catalog_lineage as l')
    .innerJoin('catalog_tables as f', 'f.id', 'l.from_table_id')
    .innerJoin('catalog_tables as t', 't.id', 'l.to_table_id')
    .select([
      'f.schema_name as from_schema',
      'f.table_name as from_table',
      't.schema_name as to_schema',
      't.table_name as to_table',
      'l.operation',
      'l.recorded_at',
      'l.id',
    ])
    .orderBy('l.id');
  if (filter.from !== undefined) query = query.where('l.from_table_id', '=', filter.from);
  if (filter.to !== undefined) query = query.where('l.to_table_id', '=', filter.to);
  if (filter.ids !== undefined) query = query.where('l.id', 'in', filter.ids);
  const rows = await query.execute();
  return rows.map((r) => ({
    from: formatTableName({ schema: r.from_schema, table: r.from_table }),
    to: formatTableName({ schema: r.to_schema, table: r.to_table }),
    operation: r.operation,
    recordedAt: r.recorded_at,
  }));
}
