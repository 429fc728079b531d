/**
 * Migration models-0004-lineage-gates: what data a run trained on (its training set, the
 * Delta version of every source, the definitions' versions, the flow run and task that
 * produced it), and validation gates with every decision they made. A model version
 * inherits its run's lineage through `ml_model_versions.run_id`, so lineage is written
 * once per run and "which versions trained on table X" is one join on an indexed column.
 */
import type { Kysely } from 'kysely';
import type { ModuleMigration } from '../../meta/index.js';

export const lineageGatesMigration: ModuleMigration = {
  id: 'models-0004-lineage-gates',
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('ml_run_lineage')
      .addColumn('run_uuid', 'text', (c) => c.primaryKey().references('ml_runs.run_uuid').onDelete('cascade'))
      .addColumn('training_set', 'text')
      .addColumn('training_set_version', 'integer')
      .addColumn('feature_service', 'text')
      .addColumn('definitions', 'jsonb', (c) => c.notNull())
      .addColumn('flow_run_id', 'text')
      .addColumn('task_id', 'text')
      .addColumn('code_version', 'text')
      .addColumn('recorded_time', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('ml_run_lineage_sources')
      .addColumn('run_uuid', 'text', (c) => c.notNull().references('ml_run_lineage.run_uuid').onDelete('cascade'))
      .addColumn('table_name', 'text', (c) => c.notNull())
      .addColumn('location', 'text', (c) => c.notNull())
      .addColumn('delta_version', 'integer', (c) => c.notNull())
      .addColumn('view', 'text')
      .addPrimaryKeyConstraint('ml_run_lineage_sources_pk', ['run_uuid', 'location'])
      .execute();
    await db.schema
      .createIndex('ml_run_lineage_sources_table')
      .on('ml_run_lineage_sources')
      .column('table_name')
      .execute();
    await db.schema
      .createIndex('ml_run_lineage_sources_location')
      .on('ml_run_lineage_sources')
      .column('location')
      .execute();
    await db.schema.createIndex('ml_run_lineage_training_set').on('ml_run_lineage').column('training_set').execute();
    await db.schema
      .createTable('ml_gates')
      .addColumn('name', 'text', (c) =>
        c.primaryKey().references('ml_registered_models.name').onDelete('cascade').onUpdate('cascade'),
      )
      .addColumn('spec', 'jsonb', (c) => c.notNull())
      .addColumn('updated_time', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('ml_gate_decisions')
      .addColumn('id', 'bigserial', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('passed', 'boolean', (c) => c.notNull())
      .addColumn('decision', 'jsonb', (c) => c.notNull())
      .addColumn('decided_time', 'bigint', (c) => c.notNull())
      .addForeignKeyConstraint(
        'ml_gate_decisions_version_fk',
        ['name', 'version'],
        'ml_model_versions',
        ['name', 'version'],
        (f) => f.onDelete('cascade').onUpdate('cascade'),
      )
      .execute();
    await db.schema
      .createIndex('ml_gate_decisions_version')
      .on('ml_gate_decisions')
      .columns(['name', 'version', 'id'])
      .execute();
  },
};
