/** What every catalog operation works with, and how catalog rows become CatalogTables. */
import type { Selectable } from 'kysely';
import type { CatalogDb, CatalogMeta, CatalogTablesTable, TableKind } from './catalog-tables.js';
import { absoluteLocation } from './managed-location.js';
import { formatTableName, type TableName } from './table-name.js';
import type { Warehouse } from './warehouse-config.js';

export interface CatalogContext {
  readonly meta: CatalogMeta;
  readonly warehouse: Warehouse;
  readonly defaultSchema: string;
  /** The default owner of what this catalog creates. */
  readonly user: string | undefined;
}

/** A named table. */
export interface CatalogTable {
  /** Stable identity (lineage refers to it; a dropped and re-created name gets a new one). */
  readonly id: string;
  /** `schema.table`, quoted where needed: reads back as the same name. */
  readonly name: string;
  readonly schema: string;
  readonly table: string;
  /** The Delta table's location: an absolute path or a URL. */
  readonly location: string;
  readonly kind: TableKind;
  readonly owner?: string;
  readonly createdAt: Date;
}

export type TableRow = Selectable<CatalogTablesTable>;

export function toCatalogTable(row: TableRow, warehouse: Warehouse): CatalogTable {
  const name: TableName = { schema: row.schema_name, table: row.table_name };
  return {
    id: row.id,
    name: formatTableName(name),
    schema: row.schema_name,
    table: row.table_name,
    location: row.kind === 'managed' ? absoluteLocation(warehouse.lakeRoot, row.location) : row.location,
    kind: row.kind,
    ...(row.owner === null ? {} : { owner: row.owner }),
    createdAt: row.created_at,
  };
}

export async function selectTable(db: CatalogDb, name: TableName): Promise<TableRow | undefined> {
  return db
    .selectFrom('catalog_tables')
    .selectAll()
    .where('schema_name', '=', name.schema)
    .where('table_name', '=', name.table)
    .executeTakeFirst();
}

export async function allTableNames(db: CatalogDb): Promise<TableName[]> {
  const rows = await db.selectFrom('catalog_tables').select(['schema_name', 'table_name']).execute();
  return rows.map((r) => ({ schema: r.schema_name, table: r.table_name }));
}
