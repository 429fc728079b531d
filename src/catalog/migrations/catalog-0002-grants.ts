/**
 * Migration catalog-0002-grants: per-role table grants (column allow-list and row
 * filter), now owned by the catalog. Databases migrated by release 0.1 already have
 * this table (its 0003-api created it), hence `if not exists`: the same schema either way.
 */
import { sql, type Kysely } from 'kysely';
import type { ModuleMigration } from '../../meta/index.js';

export const grantsMigration: ModuleMigration = {
  id: 'catalog-0002-grants',
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('api_grants')
      .ifNotExists()
      .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('writer', 'reader')`))
      .addColumn('table_name', 'text', (c) => c.notNull())
      .addColumn('columns', 'text')
      .addColumn('row_filter', 'text')
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addPrimaryKeyConstraint('api_grants_pkey', ['role', 'table_name'])
      .execute();
  },
};
