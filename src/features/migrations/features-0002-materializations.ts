/**
 * Migration features-0002: the materialization runs. The watermark itself lives in the
 * online store, beside the rows it covers (moved in the same transaction or script), so
 * the store never claims rows it lacks, and a wiped store starts again from scratch. This
 * table is the history for people and the console: which run read which versions, when,
 * how many rows it wrote.
 */
import { sql, type Kysely } from 'kysely';
import type { ModuleMigration } from '../../meta/index.js';

export const materializationsMigration: ModuleMigration = {
  id: 'features-0002-materializations',
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`
      create table feature_materializations (
        id bigserial primary key,
        view_name text not null,
        store text not null,
        kind text not null,
        from_version bigint,
        to_version bigint,
        rows_read bigint not null,
        rows_written bigint not null,
        rows_skipped bigint not null,
        started_at timestamptz not null,
        finished_at timestamptz not null
      )`.execute(db);
    await sql`create index feature_materializations_view on feature_materializations (view_name, id)`.execute(db);
  },
};
