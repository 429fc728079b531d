/**
 * The catalog's tables in the metadata database, as Kysely sees them; created by the
 * migrations in `migrations/` (the two change together). The catalog works on a
 * `MetaDatabase<CatalogTables>`.
 */
import type { ColumnType, Generated, Kysely } from 'kysely';
import type { MetaDatabase, MetaTables } from '../meta/index.js';

/** A timestamp column the database fills in (`default now()`); read as a Date. */
type CreatedAt = ColumnType<Date, Date | undefined, never>;

/** Key/value settings of the database itself (e.g. which warehouse it belongs to). */
export interface SettingsTable {
  key: string;
  value: string;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface CatalogSchemasTable {
  name: string;
  owner: string | null;
  created_at: CreatedAt;
}

export const TableKind = { managed: 'managed', external: 'external' } as const;
export type TableKind = (typeof TableKind)[keyof typeof TableKind];

export interface CatalogTablesTable {
  /** A UUID: the table's identity, which lineage refers to (names can be reused). */
  id: string;
  schema_name: string;
  table_name: string;
  /** The Delta table's location (absolute path or URL); unique across the catalog. */
  location: string;
  kind: TableKind;
  owner: string | null;
  created_at: CreatedAt;
}

export interface CatalogLineageTable {
  id: Generated<number>;
  from_table_id: string;
  to_table_id: string;
  operation: string;
  recorded_at: CreatedAt;
}

/** Per-role table grants (the table keeps the name it was released with). */
export interface ApiGrantsTable {
  role: 'writer' | 'reader';
  /** `schema.table` as the catalog formats it. */
  table_name: string;
  /** A JSON array of column names, or null for all columns. */
  columns: string | null;
  row_filter: string | null;
  created_at: CreatedAt;
}

/** The metadata database as the catalog sees it, and its query builder. */
export type CatalogMeta = MetaDatabase<MetaTables & CatalogTables>;
export type CatalogDb = Kysely<CatalogTables>;

export interface CatalogTables {
  api_grants: ApiGrantsTable;
  strata_settings: SettingsTable;
  catalog_schemas: CatalogSchemasTable;
  catalog_tables: CatalogTablesTable;
  catalog_lineage: CatalogLineageTable;
}
