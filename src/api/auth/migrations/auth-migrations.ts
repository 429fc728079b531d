/** API auth's migration source: tokens. Ids once released are never renamed or edited. */
import type { MigrationSource } from '../../../meta/index.js';
import { apiMigration } from './0003-api.js';

export const AUTH_MIGRATIONS: MigrationSource = {
  module: 'api-auth',
  migrations: [apiMigration],
};
