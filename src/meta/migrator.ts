/**
 * Versioned migrations from the modules' sources (migration-source.ts), run on open.
 * Bookkeeping is `strata_migrations` (name, timestamp: the layout Kysely's Migrator
 * wrote in earlier releases, so their records keep counting) plus a `module` column,
 * filled in for old rows as soon as a module claims them.
 *
 * One run is one transaction holding an advisory lock: processes opening the same
 * PostgreSQL database at once apply each migration exactly once, and a failing
 * migration rolls back the whole run. Records of modules this process does not
 * compose (a catalog opened without flows) are left alone; an unknown record of a
 * composed module means a newer Strata migrated the database, and is refused.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import { MetaMigrationError } from './errors.js';
import { orderSources, type MigrationSource, type ModuleMigration } from './migration-source.js';

export const MIGRATION_TABLE = 'strata_migrations';
/** Kept for earlier releases, whose Kysely Migrator locked with it; this one uses an advisory lock. */
export const MIGRATION_LOCK_TABLE = 'strata_migrations_lock';

/** The metadata database's own table: the migration records. Every module's view of the database includes it. */
export interface MetaTables {
  strata_migrations: { name: string; timestamp: string; module: string | null };
}

export interface MigrationReport {
  /** Migrations applied by this call, in order (empty when already up to date). */
  readonly applied: readonly string[];
  /** The latest migration (in the composed order) the database now has. */
  readonly current: string | undefined;
}

interface Step {
  readonly module: string;
  readonly migration: ModuleMigration;
}

export async function migrateSources(
  run: <T>(fn: (trx: Transaction<MetaTables>) => Promise<T>) => Promise<T>,
  sources: readonly MigrationSource[],
  target: string,
): Promise<MigrationReport> {
  const ordered = orderSources(sources);
  let step: Step | undefined;
  try {
    return await run(async (trx) => {
      await sql`select pg_advisory_xact_lock(hashtext(${MIGRATION_TABLE}))`.execute(trx);
      await sql`create table if not exists ${sql.table(MIGRATION_TABLE)} (
        name varchar(255) primary key, timestamp varchar(255) not null)`.execute(trx);
      await sql`alter table ${sql.table(MIGRATION_TABLE)} add column if not exists module text`.execute(trx);
      const recorded = await trx.selectFrom('strata_migrations').select(['name', 'module']).execute();
      const pending = await plan(trx, ordered, recorded, target);
      for (step of pending) {
        // A migration sees no table types: it creates them.
        await step.migration.up(trx as unknown as Kysely<unknown>);
        await trx
          .insertInto('strata_migrations')
          .values({ name: step.migration.id, timestamp: new Date().toISOString(), module: step.module })
          .execute();
      }
      step = undefined;
      const done = new Set([...recorded.map((r) => r.name), ...pending.map((p) => p.migration.id)]);
      const all = ordered.flatMap((s) => s.migrations.map((m) => m.id));
      return { applied: pending.map((p) => p.migration.id), current: all.filter((id) => done.has(id)).at(-1) };
    });
  } catch (error) {
    if (error instanceof MetaMigrationError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new MetaMigrationError(
      step === undefined
        ? `Could not migrate the metadata database ${target}: ${message}`
        : `Migration ${step.migration.id} (${step.module}) of the metadata database ${target} failed and was rolled back: ${message}`,
      { target, ...(step === undefined ? {} : { migration: step.migration.id, module: step.module }) },
      { cause: error },
    );
  }
}

/** The migrations still to run, in order; claims old unowned records; refuses records from a newer Strata. */
async function plan(
  trx: Transaction<MetaTables>,
  sources: readonly MigrationSource[],
  recorded: readonly { name: string; module: string | null }[],
  target: string,
): Promise<Step[]> {
  const moduleOf = new Map(recorded.map((r) => [r.name, r.module]));
  const pending: Step[] = [];
  for (const source of sources) {
    const known = new Set(source.migrations.map((m) => m.id));
    const unknown = recorded.filter((r) => r.module === source.module && !known.has(r.name)).map((r) => r.name);
    if (unknown.length > 0) {
      throw new MetaMigrationError(
        `The metadata database ${target} has ${source.module} migrations this version of Strata does not know (${unknown.join(', ')}); it was probably written by a newer Strata. Upgrade Strata to use it.`,
        { target, module: source.module, unknown, known: [...known] },
      );
    }
    let waiting: ModuleMigration | undefined;
    for (const migration of source.migrations) {
      if (!moduleOf.has(migration.id)) {
        waiting ??= migration;
        pending.push({ module: source.module, migration });
        continue;
      }
      if (waiting !== undefined) {
        throw new MetaMigrationError(
          `The metadata database ${target} has ${source.module} migration ${migration.id} but not ${waiting.id}, which comes before it: a migration was inserted into a released list. Add new migrations at the end.`,
          { target, module: source.module, missing: waiting.id },
        );
      }
      if (moduleOf.get(migration.id) === null) {
        await trx
          .updateTable('strata_migrations')
          .set({ module: source.module })
          .where('name', '=', migration.id)
          .execute();
      }
    }
  }
  return pending;
}
