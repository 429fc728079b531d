/**
 * The metadata database: PostgreSQL through Kysely, embedded PGlite by default,
 * a PostgreSQL server when configured; versioned migrations run on open, taken from
 * the modules that own the tables (each module's MigrationSource).
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
export { MIGRATION_TABLE, MIGRATION_LOCK_TABLE, type MetaTables, type MigrationReport } from './migrator.js';
export { orderSources, type MigrationSource, type ModuleMigration } from './migration-source.js';
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
