/**
 * The orchestrator's migration source. Flows run inside a warehouse whose catalog
 * they read (table triggers, asset lineage), so their migrations run after the catalog's.
 */
import type { MigrationSource } from '../../meta/index.js';
import { flowsMigration } from './0002-flows.js';
import { runControlMigration } from './flows-0003-run-control.js';
import { predictedSchedulingMigration } from './flows-0004-predicted-scheduling.js';

export const FLOW_MIGRATIONS: MigrationSource = {
  module: 'flows',
  dependsOn: ['catalog'],
  migrations: [flowsMigration, runControlMigration, predictedSchedulingMigration],
};
