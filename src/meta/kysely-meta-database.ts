/**
 * The MetaDatabase implementation shared by both backends: a Kysely instance over
 * a backend's dialect, migrations on open, and the backend's own cleanup on close.
 */
import { Kysely, type Dialect, type Transaction } from 'kysely';
import type { Database } from './database-schema.js';
import { MetaClosedError } from './errors.js';
import type { MetaDatabase, MetaKind } from './meta-database.js';
import { migrateToLatest, type MigrationReport } from './migrator.js';

export interface Backend {
  readonly kind: MetaKind;
  readonly target: string;
  readonly dialect: Dialect;
  /** Wraps one transaction (the embedded backend guards against self-deadlock there). */
  readonly transactionScope?: <T>(fn: () => Promise<T>) => Promise<T>;
  /** Releases what the backend holds, after Kysely is destroyed. */
  readonly close: () => Promise<void>;
}

export class KyselyMetaDatabase implements MetaDatabase {
  readonly kind: MetaKind;
  readonly target: string;
  readonly db: Kysely<Database>;
  private report: MigrationReport = { applied: [], current: undefined };
  private closing: Promise<void> | undefined;

  private constructor(private readonly backend: Backend) {
    this.kind = backend.kind;
    this.target = backend.target;
    this.db = new Kysely<Database>({ dialect: backend.dialect });
  }

  /** Creates the database over `backend` and migrates it; on failure, closes the backend. */
  static async open(backend: Backend, options: { migrate?: boolean } = {}): Promise<KyselyMetaDatabase> {
    const meta = new KyselyMetaDatabase(backend);
    try {
      if (options.migrate !== false) meta.report = await meta.migrate();
      return meta;
    } catch (error) {
      await meta.close();
      throw error;
    }
  }

  get migrations(): MigrationReport {
    return this.report;
  }

  async transaction<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    this.assertOpen();
    const run = () => this.db.transaction().execute(fn);
    return this.backend.transactionScope ? this.backend.transactionScope(run) : run();
  }

  async migrate(): Promise<MigrationReport> {
    this.assertOpen();
    return migrateToLatest(this.db, this.target);
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      try {
        await this.db.destroy();
      } finally {
        await this.backend.close();
      }
    })();
    return this.closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private assertOpen(): void {
    if (this.closing) throw new MetaClosedError(this.target);
  }
}
