/**
 * The MetaDatabase implementation shared by both backends: a Kysely instance over
 * a backend's dialect, migrations on open, and the backend's own cleanup on close.
 */
import { Kysely, type Dialect, type Transaction } from 'kysely';
import { MetaClosedError } from './errors.js';
import type { MetaDatabase, MetaKind } from './meta-database.js';
import type { MigrationSource } from './migration-source.js';
import { migrateSources, type MetaTables, type MigrationReport } from './migrator.js';

export interface OpenOptions {
  /** Run migrations on open (default true). */
  readonly migrate?: boolean;
  /** The modules' migration sources, run on open and by `migrate()` (default none). */
  readonly migrations?: readonly MigrationSource[];
}

export interface Backend {
  readonly kind: MetaKind;
  readonly target: string;
  readonly dialect: Dialect;
  /** Wraps one transaction (the embedded backend guards against self-deadlock there). */
  readonly transactionScope?: <T>(fn: () => Promise<T>) => Promise<T>;
  /** Replaces running migrations (a database used through another process only checks them). */
  readonly migrate?: (db: Kysely<MetaTables>, sources: readonly MigrationSource[]) => Promise<MigrationReport>;
  /** Releases what the backend holds, after Kysely is destroyed. */
  readonly close: () => Promise<void>;
}

export class KyselyMetaDatabase implements MetaDatabase {
  readonly kind: MetaKind;
  readonly target: string;
  readonly db: Kysely<MetaTables>;
  private report: MigrationReport = { applied: [], current: undefined };
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly backend: Backend,
    private readonly sources: readonly MigrationSource[],
  ) {
    this.kind = backend.kind;
    this.target = backend.target;
    this.db = new Kysely<MetaTables>({ dialect: backend.dialect });
  }

  /** Creates the database over `backend` and migrates it; on failure, closes the backend. */
  static async open(backend: Backend, options: OpenOptions = {}): Promise<KyselyMetaDatabase> {
    const meta = new KyselyMetaDatabase(backend, options.migrations ?? []);
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

  async transaction<T>(fn: (trx: Transaction<MetaTables>) => Promise<T>): Promise<T> {
    this.assertOpen();
    const run = () => this.db.transaction().execute(fn);
    return this.backend.transactionScope ? this.backend.transactionScope(run) : run();
  }

  async migrate(sources: readonly MigrationSource[] = this.sources): Promise<MigrationReport> {
    this.assertOpen();
    if (this.backend.migrate) return this.backend.migrate(this.db, sources);
    return migrateSources((fn) => this.transaction(fn), sources, this.target);
  }

  withTables<T extends object>(): MetaDatabase<MetaTables & T> {
    // Table types exist only for the compiler: every view is this object.
    return this as unknown as MetaDatabase<MetaTables & T>;
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
