/**
 * The catalog's migration source: database settings (the warehouse binding), schemas,
 * tables, lineage and grants. Ids once released are never renamed or edited.
 */
import type { MigrationSource } from '../../meta/index.js';
import { catalogMigration } from './0001-catalog.js';
import { grantsMigration } from './catalog-0002-grants.js';

export const CATALOG_MIGRATIONS: MigrationSource = {
  module: 'catalog',
  migrations: [catalogMigration, grantsMigration],
};
