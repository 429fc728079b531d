/**
 * Migration 0003: API tokens (only a hash of each secret is stored).
 *
 * As released, 0003-api also created the grants table; grants now belong to the
 * catalog, whose migration catalog-0002-grants creates that table (when absent, so
 * databases that ran the released 0003-api keep theirs). Both paths give the same
 * schema.
 */
import { sql, type Kysely } from 'kysely';
import type { ModuleMigration } from '../../../meta/index.js';

export const apiMigration: ModuleMigration = {
  id: '0003-api',
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('api_tokens')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('admin', 'writer', 'reader')`))
      .addColumn('secret_hash', 'text', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('expires_at', 'timestamptz')
      .addColumn('revoked_at', 'timestamptz')
      .addColumn('last_used_at', 'timestamptz')
      .execute();
  },
};
