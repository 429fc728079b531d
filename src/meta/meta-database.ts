/**
 * MetaDatabase: the metadata database every stateful module uses. One interface,
 * two built-in implementations chosen by configuration (open-meta-database.ts):
 * embedded PGlite in `<warehouse>/meta/` and a PostgreSQL server. Both speak
 * PostgreSQL and run the same migrations, so code above sees no difference, except
 * that the embedded one can be open in one process only.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from './database-schema.js';
import type { MigrationReport } from './migrator.js';

export const MetaKind = { embedded: 'embedded', server: 'server' } as const;
export type MetaKind = (typeof MetaKind)[keyof typeof MetaKind];

export interface MetaDatabase extends AsyncDisposable {
  readonly kind: MetaKind;
  /** Where the database is, for messages: a directory, or a URL without its password. */
  readonly target: string;
  /** The query builder. Inside `transaction(fn)`, use the transaction passed to `fn` instead. */
  readonly db: Kysely<Database>;
  /** What the migrations run at open did. */
  readonly migrations: MigrationReport;
  /**
   * Runs `fn` in one transaction: committed when it resolves, rolled back when it
   * throws. On the embedded database other callers wait meanwhile, and using `db`
   * (rather than `trx`) inside `fn` fails with META_NESTED_ACCESS.
   */
  transaction<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T>;
  /** Applies migrations not yet applied (open already did; idempotent). */
  migrate(): Promise<MigrationReport>;
  /** Closes connections and releases the embedded database's lock. Idempotent. */
  close(): Promise<void>;
}
