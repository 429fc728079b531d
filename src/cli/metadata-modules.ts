/**
 * Where the modules that keep metadata are composed: their migration sources (the
 * catalog applies its own) and the database type of all their tables together.
 * `strata init` sets up every module's tables; a module opened later by a library
 * user migrates its own (FlowSystem.open, ApiServer.start).
 */
import type { AuthTables, SqlHistoryTables } from '../api/index.js';
import type { CatalogTables } from '../catalog/index.js';
import type { FeatureTables } from '../features/index.js';
import type { FlowTables } from '../flows/index.js';
import type { MetaTables, MigrationSource } from '../meta/index.js';
import type { ModelTables } from '../models/index.js';

/** Every table in the metadata database, for code that sees all of it (tests, tools). */
export type StrataTables = MetaTables &
  CatalogTables &
  FlowTables &
  AuthTables &
  SqlHistoryTables &
  FeatureTables &
  ModelTables;

/** The migration sources of the modules above the catalog. Loaded on demand: the API module is heavy. */
export async function moduleMigrations(): Promise<readonly MigrationSource[]> {
  const [flows, api, features, models] = await Promise.all([
    import('../flows/index.js'),
    import('../api/index.js'),
    import('../features/index.js'),
    import('../models/index.js'),
  ]);
  return [
    flows.FLOW_MIGRATIONS,
    api.AUTH_MIGRATIONS,
    api.SQL_MIGRATIONS,
    features.FEATURE_MIGRATIONS,
    models.MODEL_MIGRATIONS,
  ];
}
