/**
 * What the table routes share: the SQL reference of a catalog table (quoted, optionally
 * pinned to a version), its columns with DuckDB types as a principal sees them, and
 * the table state a read will use.
 */
import type { CatalogTable } from '../../catalog/index.js';
import { duckdbType, quoteIdent, type StructType } from '../../lake/index.js';
import type { ApiContext, TableAccess } from '../api-context.js';
import type { Principal } from '../auth/principal.js';
import type { TableRead } from '../sql/query-service.js';
import type { TableColumn } from './row-query-conditions.js';

export function tableRef(table: CatalogTable, version: number | null): string {
  const name = `${quoteIdent(table.schema)}.${quoteIdent(table.table)}`;
  return version === null ? name : `${name} AT (VERSION => ${version})`;
}

export function tableColumns(schema: StructType): TableColumn[] {
  return schema.fields.map((f) => ({ name: f.name, type: duckdbType(f.type) }));
}

/** The columns of the grant's allow-list (all when it has none). */
export function visibleColumns(columns: readonly TableColumn[], allowed: readonly string[] | null): TableColumn[] {
  return allowed === null ? [...columns] : columns.filter((c) => allowed.includes(c.name));
}

export interface PlannedRead {
  /** Every table state the read uses (for the ETag). */
  readonly tables: readonly TableRead[];
  /** The version of the table that will be read: the read is pinned to it, so the body matches the ETag. */
  readonly version: number;
}

/** Plans a read of the table (at `atVersion`, else its latest version) without running anything. */
export async function planTableRead(ctx: ApiContext, principal: Principal, access: TableAccess, atVersion: number | null): Promise<PlannedRead> {
  const tables = await ctx.queries.plan(principal, `SELECT * FROM ${tableRef(access.table, atVersion)}`);
  const read = tables.find((t) => t.location === access.table.location) ?? tables[0];
  return { tables, version: read?.version ?? atVersion ?? 0 };
}
