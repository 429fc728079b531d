/**
 * The query history's table in the metadata database, as Kysely sees it; created by
 * `migrations/api-sql-0001-history.ts` (the two change together).
 */
export interface SqlHistoryTable {
  id: string;
  /** The token's name (the local admin's name under `--insecure-local`). */
  principal: string;
  /** The statement as sent, with token secrets and bearer credentials redacted. */
  statement: string;
  started_at: Date;
  duration_ms: number;
  /** Rows returned (queries) or reported (statements); null for a failure. BIGINT reads back as a string. */
  row_count: string | number | null;
  status: 'ok' | 'error' | 'cancelled';
  error_code: string | null;
}

export interface SqlHistoryTables {
  sql_history: SqlHistoryTable;
}
