/**
 * The catalog: warehouses (`strata init`), schemas and named tables mapping to
 * Delta locations (managed or external), ownership and lineage.
 */
export { Catalog, type CatalogOptions } from './catalog.js';
export type { CatalogTable } from './catalog-context.js';
export type { CatalogSchema } from './schema-operations.js';
export type { CreateTableOptions } from './table-creation.js';
export type { DropOptions } from './table-operations.js';
export type { LineageEdge, LineageInput, Lineage } from './lineage-records.js';
export {
  DEFAULT_SCHEMA,
  parseTableName,
  parseIdentifier,
  quoteIdentifier,
  formatTableName,
  type TableName,
} from './table-name.js';
export { pathSegment } from './managed-location.js';
export { TableLookup, type TableLookupOptions } from './table-lookup.js';
// Access: who is asking, what its grants let it see, and catalog names as it sees them.
export {
  ApiRole,
  API_ROLES,
  LOCAL_ADMIN,
  hasRole,
  requireRole,
  visibilityKey,
  type Principal,
  type TableGrant,
} from './access/principal.js';
export { GrantResolver, restricted, type GrantedTable } from './access/grant-resolver.js';
export { AccessErrorCode, AccessError, ForbiddenError } from './access/access-errors.js';
export { initWarehouse, type InitResult, type InitOptions } from './init-warehouse.js';
export {
  TableKind,
  type CatalogTables,
  type CatalogMeta,
  type SettingsTable,
  type CatalogSchemasTable,
  type CatalogTablesTable,
  type CatalogLineageTable,
  type ApiGrantsTable,
} from './catalog-tables.js';
export { CATALOG_MIGRATIONS } from './migrations/catalog-migrations.js';
export {
  findWarehouse,
  readWarehouse,
  WAREHOUSE_CONFIG_FILE,
  WAREHOUSE_ENV,
  LAKE_DIRECTORY,
  type Warehouse,
  type WarehouseConfig,
  type FindOptions,
} from './warehouse-config.js';
export { serverUrl, type MetaConnectionOptions } from './warehouse-binding.js';
export {
  CatalogErrorCode,
  CatalogError,
  InvalidNameError,
  TableNotFoundError,
  TableAlreadyExistsError,
  SchemaNotFoundError,
  SchemaAlreadyExistsError,
  SchemaNotEmptyError,
  LocationInUseError,
  InvalidLocationError,
  TableNotRecordedError,
  PurgeFailedError,
  WarehouseNotFoundError,
  WarehouseConfigError,
} from './errors.js';
