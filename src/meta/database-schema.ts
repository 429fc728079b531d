/**
 * The metadata database's tables, as Kysely sees them. Every module that keeps
 * metadata (catalog, flows, features, models) adds its tables here and a migration
 * in `migrations/`; the two must change together.
 */
import type { ColumnType, Generated } from 'kysely';
import type { FlowTables } from './flow-tables.js';

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

export interface ApiTokensTable {
  /** The public part of a token (`strata_<id>_<secret>`). */
  id: string;
  name: string;
  role: 'admin' | 'writer' | 'reader';
  /** SHA-256 of the secret part, hex: the secret itself is never stored. */
  secret_hash: string;
  created_at: CreatedAt;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

export interface ApiGrantsTable {
  role: 'writer' | 'reader';
  /** `schema.table` as the catalog formats it. */
  table_name: string;
  /** A JSON array of column names, or null for all columns. */
  columns: string | null;
  row_filter: string | null;
  created_at: CreatedAt;
}

export interface Database extends FlowTables {
  api_tokens: ApiTokensTable;
  api_grants: ApiGrantsTable;
  strata_settings: SettingsTable;
  catalog_schemas: CatalogSchemasTable;
  catalog_tables: CatalogTablesTable;
  catalog_lineage: CatalogLineageTable;
}
