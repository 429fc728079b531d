/**
 * Migration api-sql-0001-history: the SQL statements each principal ran through
 * `/v1/sql` (the query history of the console's SQL page). No credential is stored:
 * the text is redacted as log lines are (query-history-store.ts).
 */
import { sql, type Kysely } from 'kysely';
import type { ModuleMigration } from '../../../meta/index.js';

export const sqlHistoryMigration: ModuleMigration = {
  id: 'api-sql-0001-history',
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('sql_history')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('principal', 'text', (c) => c.notNull())
      .addColumn('statement', 'text', (c) => c.notNull())
      .addColumn('started_at', 'timestamptz', (c) => c.notNull())
      .addColumn('duration_ms', 'integer', (c) => c.notNull())
      .addColumn('row_count', 'bigint')
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('ok', 'error', 'cancelled')`))
      .addColumn('error_code', 'text')
      .execute();
    await db.schema
      .createIndex('sql_history_principal_started')
      .on('sql_history')
      .columns(['principal', 'started_at'])
      .execute();
  },
};
