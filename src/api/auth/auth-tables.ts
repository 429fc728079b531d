/**
 * API auth's table in the metadata database, as Kysely sees it; created by
 * `migrations/0003-api.ts` (the two change together).
 */
import type { ColumnType } from 'kysely';

/** A timestamp column the database fills in (`default now()`); read as a Date. */
type CreatedAt = ColumnType<Date, Date | undefined, never>;

export interface ApiTokensTable {
  /** The public part of a token (`strata_<id>_<secret>`). */
  id: string;
  name: string;
  role: 'admin' | 'writer' | 'reader';
  /** SHA-256 of the secret part, hex: the secret itself is never stored. */
  secret_hash: string;
  created_at: CreatedAt;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

export interface AuthTables {
  api_tokens: ApiTokensTable;
}
