/**
 * Read shapes of recent queries (table-reads.ts ReadShape), by who asked and the SQL
 * text. Planning a query for its ETag checks it against the sandbox policy and rewrites
 * its table names on DuckDB (json_serialize_sql, grant lookups); for the same text and
 * the same grants the answer is the same until the catalog's names change, so it is
 * remembered exactly as long as the table lookups it used would be (TableLookup's TTL
 * and invalidation). Latest versions are never remembered here: currentReads asks the
 * log each time, so a commit changes the ETag at once.
 */
import type { TableLookup } from '../../catalog/index.js';
import { Cache } from '../../core/index.js';
import type { ReadShape } from './table-reads.js';

/** Longer texts are planned each time: they are rarely repeated and would fill the memo. */
const MAX_SQL_LENGTH = 8192;

interface Entry {
  readonly shape: ReadShape;
  readonly generation: number;
}

export class PlanMemo {
  readonly #entries: Cache<string, Entry>;

  constructor(private readonly lookup: TableLookup) {
    this.#entries = new Cache({ maxEntries: 256, ttlMs: lookup.ttlMs });
  }

  get(visibility: string, sql: string): ReadShape | undefined {
    const key = keyOf(visibility, sql);
    const entry = key === undefined ? undefined : this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.generation === this.lookup.generation) return entry.shape;
    this.#entries.delete(key!);
    return undefined;
  }

  /** Remembers a shape planned while the lookup was at `generation` (stale ones are dropped). */
  set(visibility: string, sql: string, generation: number, shape: ReadShape): void {
    const key = keyOf(visibility, sql);
    if (key === undefined || this.lookup.ttlMs <= 0 || generation !== this.lookup.generation) return;
    this.#entries.set(key, { shape, generation });
  }
}

function keyOf(visibility: string, sql: string): string | undefined {
  return sql.length > MAX_SQL_LENGTH ? undefined : `${visibility}\n${sql}`;
}
