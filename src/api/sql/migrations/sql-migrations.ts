/** The API's SQL migration source: query history. Ids once released are never renamed or edited. */
import type { MigrationSource } from '../../../meta/index.js';
import { sqlHistoryMigration } from './api-sql-0001-history.js';

export const SQL_MIGRATIONS: MigrationSource = {
  module: 'api-sql',
  migrations: [sqlHistoryMigration],
};
