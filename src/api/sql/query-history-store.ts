/**
 * Query history: every statement a principal runs through `/v1/sql` (text, when, how
 * long, rows, outcome and error code), kept per principal up to `keep` entries (the
 * oldest go first). The text is stored as the log would write it: token secrets and
 * bearer credentials replaced (core's redactSecretsInLine). Error messages are not
 * kept, only codes: a message may quote values a later grant hides.
 */
import { randomUUID } from 'node:crypto';
import { redactSecretsInLine } from '../../core/index.js';
import type { MetaDatabase } from '../../meta/index.js';
import type { SqlHistoryTables } from './query-history-tables.js';

export const QueryStatus = { ok: 'ok', error: 'error', cancelled: 'cancelled' } as const;
export type QueryStatus = (typeof QueryStatus)[keyof typeof QueryStatus];

export interface QueryHistoryEntry {
  readonly id: string;
  readonly sql: string;
  /** ISO 8601. */
  readonly startedAt: string;
  readonly durationMs: number;
  readonly rowCount: number | null;
  readonly status: QueryStatus;
  readonly errorCode: string | null;
}

export type QueryRecord = Omit<QueryHistoryEntry, 'id' | 'startedAt'> & { readonly startedAt: Date };

/** Entries kept per principal by default. */
export const DEFAULT_HISTORY_KEEP = 200;

export class QueryHistory {
  constructor(
    private readonly meta: MetaDatabase,
    private readonly keep: number = DEFAULT_HISTORY_KEEP,
  ) {}

  async record(principal: string, record: QueryRecord): Promise<void> {
    const db = this.db();
    await db
      .insertInto('sql_history')
      .values({
        id: randomUUID(),
        principal,
        statement: redactSecretsInLine(record.sql),
        started_at: record.startedAt,
        duration_ms: Math.round(record.durationMs),
        row_count: record.rowCount,
        status: record.status,
        error_code: record.errorCode,
      })
      .execute();
    // Bounded: the principal's newest `keep` stay.
    await db
      .deleteFrom('sql_history')
      .where('principal', '=', principal)
      .where(
        'id',
        'not in',
        db
          .selectFrom('sql_history')
          .select('id')
          .where('principal', '=', principal)
          .orderBy('started_at', 'desc')
          .orderBy('id', 'desc')
          .limit(this.keep),
      )
      .execute();
  }

  /** The principal's entries, newest first. */
  async list(principal: string, limit: number): Promise<QueryHistoryEntry[]> {
    const rows = await this.db()
      .selectFrom('sql_history')
      .selectAll()
      .where('principal', '=', principal)
      .orderBy('started_at', 'desc')
      .orderBy('id', 'desc')
      .limit(Math.max(0, Math.min(limit, this.keep)))
      .execute();
    return rows.map((row) => ({
      id: row.id,
      sql: row.statement,
      startedAt: new Date(row.started_at).toISOString(),
      durationMs: row.duration_ms,
      rowCount: row.row_count === null ? null : Number(row.row_count),
      status: row.status,
      errorCode: row.error_code,
    }));
  }

  private db() {
    return this.meta.withTables<SqlHistoryTables>().db;
  }
}
