/**
 * The metadata database: PostgreSQL through Kysely, embedded PGlite by default,
 * a PostgreSQL server when configured; versioned migrations run on open.
 */
export { MetaKind, type MetaDatabase } from './meta-database.js';
export {
  openMetaDatabase,
  resolveMetaConfig,
  DATABASE_URL_ENV,
  META_DIRECTORY,
  type MetaDatabaseOptions,
  type MetaConfig,
} from './open-meta-database.js';
export { openEmbeddedMetaDatabase, LOCK_FILE_NAME } from './embedded-meta-database.js';
export { openServerMetaDatabase, redactUrl, type ServerOptions } from './server-meta-database.js';
export { PGliteDialect } from './pglite-dialect.js';
export { MIGRATION_TABLE, MIGRATION_LOCK_TABLE, type MigrationReport } from './migrator.js';
export { MIGRATIONS } from './migrations/migration-list.js';
export type * from './flow-tables.js';
export {
  TableKind,
  type Database,
  type SettingsTable,
  type CatalogSchemasTable,
  type CatalogTablesTable,
  type CatalogLineageTable,
  type ApiTokensTable,
  type ApiGrantsTable,
} from './database-schema.js';
export { PgErrorCode, hasPgErrorCode, pgConstraint } from './postgres-errors.js';
export {
  MetaErrorCode,
  MetaError,
  MetaLockedError,
  MetaLockFileError,
  MetaConnectionError,
  MetaMigrationError,
  MetaClosedError,
  MetaNestedAccessError,
  type LockHolder,
} from './errors.js';
