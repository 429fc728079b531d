/**
 * The feature store's migration source. Its tables refer to catalog tables by name only
 * (no foreign keys), so it declares no dependency: a registry opened over a catalog
 * migrates it alone.
 */
import type { MigrationSource } from '../../meta/index.js';
import { registryMigration } from './features-0001-registry.js';
import { materializationsMigration } from './features-0002-materializations.js';

export const FEATURE_MIGRATIONS: MigrationSource = {
  module: 'features',
  migrations: [registryMigration, materializationsMigration],
};
