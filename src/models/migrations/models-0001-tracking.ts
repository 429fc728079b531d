/**
 * Migration models-0001-tracking: experiments, runs, params, metrics (full history and
 * the latest value per key, which search filters and orders on), tags and dataset inputs.
 * Times are epoch milliseconds (bigint), as MLflow's API carries them.
 */
import { sql, type Kysely } from 'kysely';
import type { ModuleMigration } from '../../meta/index.js';

export const trackingMigration: ModuleMigration = {
  id: 'models-0001-tracking',
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('ml_experiments')
      .addColumn('experiment_id', 'bigserial', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('artifact_location', 'text', (c) => c.notNull())
      .addColumn('lifecycle_stage', 'text', (c) => c.notNull().check(sql`lifecycle_stage in ('active', 'deleted')`))
      .addColumn('creation_time', 'bigint', (c) => c.notNull())
      .addColumn('last_update_time', 'bigint', (c) => c.notNull())
      .execute();
    // MLflow clients log to experiment "0" when none is named: it always exists, as on an MLflow server.
    await sql`insert into ml_experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
      values (0, 'Default', 'mlflow-artifacts:/0', 'active', ${Date.now()}, ${Date.now()})`.execute(db);
    await db.schema
      .createTable('ml_experiment_tags')
      .addColumn('experiment_id', 'bigint', (c) => c.notNull().references('ml_experiments.experiment_id'))
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('ml_experiment_tags_pk', ['experiment_id', 'key'])
      .execute();
    await db.schema
      .createTable('ml_runs')
      .addColumn('run_uuid', 'text', (c) => c.primaryKey())
      .addColumn('experiment_id', 'bigint', (c) => c.notNull().references('ml_experiments.experiment_id'))
      .addColumn('run_name', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('start_time', 'bigint', (c) => c.notNull())
      .addColumn('end_time', 'bigint')
      .addColumn('lifecycle_stage', 'text', (c) => c.notNull())
      .addColumn('artifact_uri', 'text', (c) => c.notNull())
      .execute();
    // The default search order within experiments: newest first.
    await db.schema
      .createIndex('ml_runs_experiment_start')
      .on('ml_runs')
      .columns(['experiment_id', 'start_time desc', 'run_uuid'])
      .execute();
    await keyValueTable(db, 'ml_params');
    await keyValueTable(db, 'ml_run_tags');
    await db.schema
      .createTable('ml_metrics')
      .addColumn('id', 'bigserial', (c) => c.primaryKey())
      .addColumn('run_uuid', 'text', (c) => c.notNull().references('ml_runs.run_uuid').onDelete('cascade'))
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('value', 'double precision', (c) => c.notNull())
      .addColumn('timestamp', 'bigint', (c) => c.notNull())
      .addColumn('step', 'bigint', (c) => c.notNull())
      .execute();
    // History pages walk this index (never an unbounded read).
    await db.schema
      .createIndex('ml_metrics_history')
      .on('ml_metrics')
      .columns(['run_uuid', 'key', 'step', 'timestamp', 'id'])
      .execute();
    await db.schema
      .createTable('ml_latest_metrics')
      .addColumn('run_uuid', 'text', (c) => c.notNull().references('ml_runs.run_uuid').onDelete('cascade'))
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('value', 'double precision', (c) => c.notNull())
      .addColumn('timestamp', 'bigint', (c) => c.notNull())
      .addColumn('step', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('ml_latest_metrics_pk', ['run_uuid', 'key'])
      .execute();
    await db.schema
      .createIndex('ml_latest_metrics_key_value')
      .on('ml_latest_metrics')
      .columns(['key', 'value'])
      .execute();
    await db.schema
      .createTable('ml_inputs')
      .addColumn('run_uuid', 'text', (c) => c.notNull().references('ml_runs.run_uuid').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('digest', 'text', (c) => c.notNull())
      .addColumn('dataset', 'jsonb', (c) => c.notNull())
      .addColumn('tags', 'jsonb', (c) => c.notNull())
      .addPrimaryKeyConstraint('ml_inputs_pk', ['run_uuid', 'name', 'digest'])
      .execute();
  },
};

/** Params and run tags: one value per (run, key), searched by key and value. */
async function keyValueTable(db: Kysely<unknown>, table: string): Promise<void> {
  await db.schema
    .createTable(table)
    .addColumn('run_uuid', 'text', (c) => c.notNull().references('ml_runs.run_uuid').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint(`${table}_pk`, ['run_uuid', 'key'])
    .execute();
  await db.schema.createIndex(`${table}_key_value`).on(table).columns(['key', 'value']).execute();
}
