/** The model module's migration source: tracking, the registry, run search's covering indexes, lineage and gates, then rollout (traffic policies, promotion experiments). Ids once released are never renamed or edited. */
import type { MigrationSource } from '../../meta/index.js';
import { trackingMigration } from './models-0001-tracking.js';
import { registryMigration } from './models-0002-registry.js';
import { searchIndexesMigration } from './models-0003-search-indexes.js';
import { lineageGatesMigration } from './models-0004-lineage-gates.js';
import { rolloutMigration } from './models-0005-rollout.js';

export const MODEL_MIGRATIONS: MigrationSource = {
  module: 'models',
  migrations: [trackingMigration, registryMigration, searchIndexesMigration, lineageGatesMigration, rolloutMigration],
};
