/**
 * Migration sources: each module that keeps metadata (catalog, flows, api auth, and
 * later features and models) owns its tables and hands the migrator a source, its
 * migrations in the order they run. The metadata database knows no module's tables.
 *
 * A migration's `id` is recorded in the database when it runs, so a released id never
 * changes; a released migration is never edited: a change is a new migration at the
 * end of its module's list. Ids are unique across modules (new ones start with the
 * module's name, e.g. `catalog-0002-grants`; the first three, `0001-catalog`,
 * `0002-flows` and `0003-api`, keep the names they were released with).
 */
import type { Kysely } from 'kysely';
import { MetaMigrationError } from './errors.js';

export interface ModuleMigration {
  /** Recorded in `strata_migrations`; never renamed once released. */
  readonly id: string;
  readonly up: (db: Kysely<unknown>) => Promise<void>;
}

export interface MigrationSource {
  /** The owning module, e.g. `flows`. */
  readonly module: string;
  /** Modules whose tables this module's tables reference: their migrations run first. */
  readonly dependsOn?: readonly string[];
  /** In the order they run. */
  readonly migrations: readonly ModuleMigration[];
}

/**
 * The sources in an order where every module comes after the modules it depends on
 * (otherwise in the order given). Refuses a dependency that is not among the sources,
 * a cycle, a module given twice and an id used twice: those are mistakes in code, not
 * in the database, and running part of a composition would leave it half migrated.
 */
export function orderSources(sources: readonly MigrationSource[]): readonly MigrationSource[] {
  const byModule = new Map<string, MigrationSource>();
  const ids = new Map<string, string>();
  for (const source of sources) {
    if (byModule.has(source.module)) throw invalid(`the module ${source.module} is given twice`);
    byModule.set(source.module, source);
    for (const { id } of source.migrations) {
      const owner = ids.get(id);
      if (owner !== undefined) throw invalid(`the migration id ${id} is used by ${owner} and ${source.module}`);
      ids.set(id, source.module);
    }
  }
  const ordered: MigrationSource[] = [];
  const visiting = new Set<string>();
  const visit = (source: MigrationSource, path: readonly string[]): void => {
    if (ordered.includes(source)) return;
    if (visiting.has(source.module))
      throw invalid(`the modules depend on each other in a cycle (${[...path, source.module].join(' → ')})`);
    visiting.add(source.module);
    for (const name of source.dependsOn ?? []) {
      const dependency = byModule.get(name);
      if (dependency === undefined)
        throw invalid(`the module ${source.module} depends on ${name}, which is not among the modules given`);
      visit(dependency, [...path, source.module]);
    }
    ordered.push(source);
  };
  for (const source of sources) visit(source, []);
  return ordered;
}

function invalid(reason: string): MetaMigrationError {
  return new MetaMigrationError(`Invalid metadata migration sources: ${reason}.`, { reason });
}
