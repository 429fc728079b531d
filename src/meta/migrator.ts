/**
 * Versioned migrations, run on open: Kysely's Migrator with the in-code list in
 * `migrations/`, its bookkeeping in `strata_migrations` (and `strata_migrations_lock`).
 * On PostgreSQL the Migrator holds an advisory lock while it runs, so processes
 * opening the same database at once apply each migration exactly once.
 */
import { Migrator, type Kysely, type MigrationProvider, type Migration } from 'kysely';
import { MetaMigrationError } from './errors.js';
import { MIGRATIONS } from './migrations/migration-list.js';
import type { Database } from './database-schema.js';

export const MIGRATION_TABLE = 'strata_migrations';
export const MIGRATION_LOCK_TABLE = 'strata_migrations_lock';

export interface MigrationReport {
  /** Migrations applied by this call, in order (empty when already up to date). */
  readonly applied: readonly string[];
  /** The latest migration the database now has. */
  readonly current: string | undefined;
}

const provider: MigrationProvider = {
  getMigrations: async (): Promise<Record<string, Migration>> => ({ ...MIGRATIONS }),
};

export async function migrateToLatest(db: Kysely<Database>, target: string): Promise<MigrationReport> {
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: MIGRATION_LOCK_TABLE,
  });
  let outcome: Awaited<ReturnType<Migrator['migrateToLatest']>>;
  try {
    outcome = await migrator.migrateToLatest();
  } catch (error) {
    throw new MetaMigrationError(
      `Could not migrate the metadata database ${target}: ${(error as Error).message}`,
      { target },
      { cause: error },
    );
  }
  const failed = outcome.results?.find((r) => r.status === 'Error');
  if (outcome.error !== undefined) {
    const message = (outcome.error as Error).message ?? String(outcome.error);
    if (/corrupted migrations/i.test(message)) {
      throw new MetaMigrationError(
        `The metadata database ${target} has migrations this version of Strata does not know (${message}); it was probably written by a newer Strata. Upgrade Strata to use it.`,
        { target, known: Object.keys(MIGRATIONS) },
        { cause: outcome.error },
      );
    }
    throw new MetaMigrationError(
      `Migration ${failed?.migrationName ?? '(setup)'} of the metadata database ${target} failed and was rolled back: ${message}`,
      { target, migration: failed?.migrationName },
      { cause: outcome.error },
    );
  }
  const applied = (outcome.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  const executed = (await migrator.getMigrations()).filter((m) => m.executedAt !== undefined);
  return { applied, current: executed.at(-1)?.name };
}
