/**
 * Planning a read of one table, as REST's table routes and GraphQL's cached reads do:
 * the table state it uses (for the ETag) and the SQL reference pinned to that state.
 */
import { openSnapshot } from '../../lake/index.js';
import { quoteIdent } from '../../lake/index.js';
import type { TableRead } from './table-reads.js';

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
 * taken as given; reading it fails when it does not exist.
 */
export async function planTableRead(
  table: { readonly name: string; readonly location: string },
  atVersion: number | null,
): Promise<PlannedRead> {
  const { name, location } = table;
  const version = atVersion ?? (await openSnapshot(location)).version;
  return { tables: [{ name, location, version }], version };
}

/** The quoted SQL name of a catalog table, `"schema"."table"`. */
export function sqlTableName(table: { readonly schema: string; readonly table: string }): string {
  return `${quoteIdent(table.schema)}.${quoteIdent(table.table)}`;
}

/** A table's SQL name, pinned to `version` when one is given. */
export function pinnedTableRef(sqlName: string, version: number | null | undefined): string {
  return version === null || version === undefined ? sqlName : `${sqlName} AT (VERSION => ${version})`;
}
