/**
 * The metadata database: PostgreSQL through Kysely, embedded PGlite by default,
 * a PostgreSQL server when configured; versioned migrations run on open, taken from
 * the modules that own the tables (each module's MigrationSource). The process that
 * holds an embedded database serves it to the other processes of its user, which
 * use it through that process (MetaKind.proxied). Caches above the database (table
 * lookups 1 s, API tokens and grants 5 s) may serve a value that long after another
 * process changed it.
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
export {
  openEmbeddedMetaDatabase,
  LOCK_FILE_NAME,
  LOCK_WAIT_ENV,
  type EmbeddedOptions,
} from './embedded-meta-database.js';
export { metaSocketPath } from './proxy-protocol.js';
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
  MetaOwnerGoneError,
  MetaProxyTimeoutError,
  RemoteDatabaseError,
  type LockHolder,
} from './errors.js';
