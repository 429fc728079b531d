/**
 * Migration 0003: API tokens (only a hash of each secret is stored) and per-role
 * table grants (column allow-list and row filter).
 */
import { sql, type Kysely, type Migration } from 'kysely';

export const apiMigration: Migration = {
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

    await db.schema
      .createTable('api_grants')
      .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('writer', 'reader')`))
      .addColumn('table_name', 'text', (c) => c.notNull())
      .addColumn('columns', 'text')
      .addColumn('row_filter', 'text')
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addPrimaryKeyConstraint('api_grants_pkey', ['role', 'table_name'])
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('api_grants').execute();
    await db.schema.dropTable('api_tokens').execute();
  },
};
