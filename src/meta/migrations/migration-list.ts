/**
 * Every migration, in order. Names sort in the order they must run; a migration
 * once released is never edited: a change is a new migration at the end.
 */
import type { Migration } from 'kysely';
import { catalogMigration } from './0001-catalog.js';
import { flowsMigration } from './0002-flows.js';
import { apiMigration } from './0003-api.js';

export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001-catalog': catalogMigration,
  '0002-flows': flowsMigration,
  '0003-api': apiMigration,
};
