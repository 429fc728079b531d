/**
 * Migration models-0005-rollout: traffic policies per model (the current one and every
 * change, kept), and promotion experiments with every look the controller took. Numbered
 * 0005 so it sorts after the serving and format migrations other parts add beside it.
 * Policies and states are JSON text: their shapes are versioned by their `kind`.
 */
import { sql, type Kysely } from 'kysely';
import type { ModuleMigration } from '../../meta/index.js';

export const rolloutMigration: ModuleMigration = {
  id: 'models-0005-rollout',
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('ml_traffic_policies')
      .addColumn('name', 'text', (c) =>
        c.primaryKey().references('ml_registered_models.name').onDelete('cascade').onUpdate('cascade'),
      )
      .addColumn('revision', 'integer', (c) => c.notNull())
      .addColumn('policy', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('ml_traffic_policy_changes')
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('revision', 'integer', (c) => c.notNull())
      .addColumn('policy', 'text', (c) => c.notNull())
      .addColumn('changed_at', 'bigint', (c) => c.notNull())
      .addColumn('changed_by', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('ml_traffic_policy_changes_pk', ['name', 'revision'])
      .execute();
    await db.schema
      .createTable('ml_promotion_experiments')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) =>
        c.notNull().references('ml_registered_models.name').onDelete('cascade').onUpdate('cascade'),
      )
      .addColumn('champion_version', 'integer', (c) => c.notNull())
      .addColumn('challenger_version', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('started_at', 'bigint', (c) => c.notNull())
      .addColumn('ended_at', 'bigint')
      .addColumn('reason', 'text')
      .execute();
    // At most one unfinished experiment per model (running, or deciding: its action not yet applied).
    await sql`CREATE UNIQUE INDEX ml_promotion_experiments_running ON ml_promotion_experiments (name) WHERE ended_at IS NULL`.execute(
      db,
    );
    await db.schema
      .createTable('ml_promotion_looks')
      .addColumn('experiment_id', 'text', (c) =>
        c.notNull().references('ml_promotion_experiments.id').onDelete('cascade'),
      )
      .addColumn('look', 'integer', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('decision', 'text', (c) => c.notNull())
      .addColumn('statistic', 'double precision', (c) => c.notNull())
      .addColumn('boundary', 'double precision', (c) => c.notNull())
      .addColumn('p_value', 'double precision', (c) => c.notNull())
      .addColumn('estimate', 'double precision', (c) => c.notNull())
      .addColumn('lower', 'double precision')
      .addColumn('upper', 'double precision')
      .addColumn('champion_n', 'integer', (c) => c.notNull())
      .addColumn('challenger_n', 'integer', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('ml_promotion_looks_pk', ['experiment_id', 'look'])
      .execute();
  },
};
