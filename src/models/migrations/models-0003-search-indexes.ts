/**
 * Migration models-0003-search-indexes: covering indexes for run search, so a search
 * ordered by a metric and filtered on metrics, params or tags reads indexes only (no heap
 * page per candidate run, which at 100,000 runs × 20 metrics is a random read each):
 * - the ordered walk: latest metrics by (key, value) carrying run_uuid;
 * - each filter's probe per candidate run: the primary keys (run_uuid, key) of latest
 *   metrics, params and tags carrying the value.
 * The (key, value) index of latest metrics is replaced by its covering version; the
 * params' and tags' (key, value) indexes stay (hash semi-joins of a selective filter).
 */
import { sql, type Kysely } from 'kysely';
import type { ModuleMigration } from '../../meta/index.js';

export const searchIndexesMigration: ModuleMigration = {
  id: 'models-0003-search-indexes',
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`create index ml_latest_metrics_key_value_run on ml_latest_metrics (key, value) include (run_uuid)`.execute(
      db,
    );
    await sql`drop index ml_latest_metrics_key_value`.execute(db);
    for (const table of ['ml_latest_metrics', 'ml_params', 'ml_run_tags']) {
      const pk = sql.raw(`${table}_pk`);
      await sql`alter table ${sql.table(table)} drop constraint ${pk}`.execute(db);
      await sql`alter table ${sql.table(table)} add constraint ${pk} primary key (run_uuid, key) include (value)`.execute(
        db,
      );
    }
  },
};
