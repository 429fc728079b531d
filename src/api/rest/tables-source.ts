/**
 * What the table routes share: the SQL reference of a catalog table (quoted, optionally
 * pinned to a version), its columns with DuckDB types as a principal sees them, and
 * the table state a read will use.
 */
import type { CatalogTable } from '../../catalog/index.js';
import { openSnapshot } from '../../engine/index.js';
import { duckdbType, quoteIdent, type StructType } from '../../lake/index.js';
import type { TableAccess } from '../api-context.js';
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

/**
 * Plans a read of the table (at `atVersion`, else its latest version) without running
 * anything. The table is already resolved and its grant applied (TableAccessControl),
 * and a read of one table reads exactly that table, so this is what QueryService.plan
 * would answer for `SELECT * FROM <table>`, without DuckDB: the latest version comes from
 * the snapshot cache, whose check is a `head` of the remembered commit file and of the
 * next one, so a commit by any process changes the ETag at once. A pinned version is
 * taken as given; reading it (the produce step) fails when it does not exist.
 */
export async function planTableRead(access: TableAccess, atVersion: number | null): Promise<PlannedRead> {
  const { name, location } = access.table;
  const version = atVersion ?? (await openSnapshot(location)).version;
  return { tables: [{ name, location, version }], version };
}
