/**
 * MetaDatabase: the metadata database every stateful module uses. One interface,
 * two built-in implementations chosen by configuration (open-meta-database.ts):
 * embedded PGlite in `<warehouse>/meta/` and a PostgreSQL server. Both speak
 * PostgreSQL and run the same migrations, so code above sees no difference, except
 * that the embedded one can be open in one process only.
 *
 * `DB` is the tables a module sees: meta knows none but its own migration records;
 * a module takes a `MetaDatabase<ItsTables>` (its view, from `withTables`). A view
 * of more tables can be used where one of fewer is expected, and every view is the
 * same database underneath (closing one closes it).
 */
import type { Kysely, Transaction } from 'kysely';
import type { MigrationSource } from './migration-source.js';
import type { MetaTables, MigrationReport } from './migrator.js';

/**
 * `proxied`: an embedded database held by another process of this machine, used through
 * it (proxy-driver.ts). The same database, but this process cannot do what only its
 * holder can (run flow tasks woken in-process, serve the control socket).
 */
export const MetaKind = { embedded: 'embedded', server: 'server', proxied: 'proxied' } as const;
export type MetaKind = (typeof MetaKind)[keyof typeof MetaKind];

export interface MetaDatabase<DB extends object = MetaTables> extends AsyncDisposable {
  readonly kind: MetaKind;
  /** Where the database is, for messages: a directory, or a URL without its password. */
  readonly target: string;
  /** The query builder. Inside `transaction(fn)`, use the transaction passed to `fn` instead. */
  readonly db: Kysely<DB>;
  /** What the migrations run at open did. */
  readonly migrations: MigrationReport;
  /**
   * Runs `fn` in one transaction: committed when it resolves, rolled back when it
   * throws. On the embedded database other callers wait meanwhile, and using `db`
   * (rather than `trx`) inside `fn` fails with META_NESTED_ACCESS.
   */
  transaction<T>(fn: (trx: Transaction<DB>) => Promise<T>): Promise<T>;
  /**
   * Applies the migrations of `sources` (default: those given at open) not yet
   * applied; idempotent. A module handed an open database migrates its own tables so.
   */
  migrate(sources?: readonly MigrationSource[]): Promise<MigrationReport>;
  /** This database typed with a module's tables as well (no query runs; the same object at run time). */
  withTables<T extends object>(): MetaDatabase<DB & T>;
  /** Closes connections and releases the embedded database's lock. Idempotent. */
  close(): Promise<void>;
}
