/**
 * Migration 0001: database settings and the catalog (schemas, tables, lineage),
 * with the default schema `main`.
 */
import { sql, type Kysely } from 'kysely';
import type { ModuleMigration } from '../../meta/index.js';

export const catalogMigration: ModuleMigration = {
  id: '0001-catalog',
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('strata_settings')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .execute();

    await db.schema
      .createTable('catalog_schemas')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('owner', 'text')
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .execute();

    await db.schema
      .createTable('catalog_tables')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('schema_name', 'text', (c) => c.notNull().references('catalog_schemas.name').onDelete('restrict'))
      .addColumn('table_name', 'text', (c) => c.notNull())
      .addColumn('location', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('managed', 'external')`))
      .addColumn('owner', 'text')
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addUniqueConstraint('catalog_tables_name_key', ['schema_name', 'table_name'])
      .addUniqueConstraint('catalog_tables_location_key', ['location'])
      .execute();

    await db.schema
      .createTable('catalog_lineage')
      .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
      .addColumn('from_table_id', 'text', (c) => c.notNull().references('catalog_tables.id').onDelete('cascade'))
      .addColumn('to_table_id', 'text', (c) => c.notNull().references('catalog_tables.id').onDelete('cascade'))
      .addColumn('operation', 'text', (c) => c.notNull())
      .addColumn('recorded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .execute();
    await db.schema.createIndex('catalog_lineage_from_idx').on('catalog_lineage').column('from_table_id').execute();
    await db.schema.createIndex('catalog_lineage_to_idx').on('catalog_lineage').column('to_table_id').execute();

    await sql`insert into catalog_schemas (name) values ('main')`.execute(db);
  },
};
