/**
 * Migration models-0002-registry: registered models, their versions, tags and aliases.
 * Names are referenced with ON UPDATE CASCADE so a rename is one statement; deleting a
 * model deletes its versions, tags and aliases with it.
 */
import type { Kysely } from 'kysely';
import type { ModuleMigration } from '../../meta/index.js';

export const registryMigration: ModuleMigration = {
  id: 'models-0002-registry',
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('ml_registered_models')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('creation_timestamp', 'bigint', (c) => c.notNull())
      .addColumn('last_updated_timestamp', 'bigint', (c) => c.notNull())
      .addColumn('description', 'text')
      .execute();
    await db.schema
      .createTable('ml_registered_model_tags')
      .addColumn('name', 'text', (c) =>
        c.notNull().references('ml_registered_models.name').onDelete('cascade').onUpdate('cascade'),
      )
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('ml_registered_model_tags_pk', ['name', 'key'])
      .execute();
    await db.schema
      .createTable('ml_model_versions')
      .addColumn('name', 'text', (c) =>
        c.notNull().references('ml_registered_models.name').onDelete('cascade').onUpdate('cascade'),
      )
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('creation_timestamp', 'bigint', (c) => c.notNull())
      .addColumn('last_updated_timestamp', 'bigint', (c) => c.notNull())
      .addColumn('user_id', 'text')
      .addColumn('current_stage', 'text', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('run_id', 'text')
      .addColumn('run_link', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('status_message', 'text')
      .addPrimaryKeyConstraint('ml_model_versions_pk', ['name', 'version'])
      .execute();
    await db.schema.createIndex('ml_model_versions_run').on('ml_model_versions').column('run_id').execute();
    for (const table of ['ml_model_version_tags', 'ml_model_aliases'] as const) {
      const tags = table === 'ml_model_version_tags';
      await db.schema
        .createTable(table)
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn(tags ? 'key' : 'alias', 'text', (c) => c.notNull())
        .$call((t) => (tags ? t.addColumn('value', 'text', (c) => c.notNull()) : t))
        .addPrimaryKeyConstraint(`${table}_pk`, tags ? ['name', 'version', 'key'] : ['name', 'alias'])
        .addForeignKeyConstraint(
          `${table}_version_fk`,
          ['name', 'version'],
          'ml_model_versions',
          ['name', 'version'],
          (f) => f.onDelete('cascade').onUpdate('cascade'),
        )
        .execute();
    }
  },
};
