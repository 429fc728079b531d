/**
 * Catalog table lookups of a server (the API, the query service), remembered for a short time. Every request, GraphQL
 * field and stream names a table, and each lookup is a metadata-database query (about a
 * millisecond of CPU on PGlite); the answer changes only on DDL, which is rare.
 *
 * Guarantees: a table found is trusted for at most `ttlMs`, so a drop, re-create or
 * rename made by another process (a PostgreSQL deployment, or a command going through the
 * process that holds an embedded database) is seen within that time;
 * DDL run through this server calls invalidate(), so it is seen at once. A name that is
 * not found is never remembered: a table created meanwhile appears on the next request,
 * and the catalog's error (with its name suggestions) is produced fresh each time.
 */
import { Cache } from '../core/index.js';
import type { Catalog } from './catalog.js';
import type { CatalogTable } from './catalog-context.js';
import type { TableName } from './table-name.js';

export interface TableLookupOptions {
  /** How long a found table is trusted; default 1 s, 0 turns remembering off. */
  readonly ttlMs?: number;
  /** Most remembered names (spellings of a name count separately); default 1024. */
  readonly maxEntries?: number;
}

interface Answer<T> {
  readonly value: T;
  readonly generation: number;
}

export class TableLookup {
  readonly ttlMs: number;
  readonly #entries: Cache<string, CatalogTable>;
  #generation = 0;

  constructor(
    readonly catalog: Catalog,
    options: TableLookupOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 1000;
    this.#entries = new Cache({ maxEntries: options.maxEntries ?? 1024, ttlMs: this.ttlMs });
  }

  /**
   * Bumped by invalidate(): an answer computed from lookups made before it (here or in
   * a memo built on this one, e.g. PlanMemo) must not be stored.
   */
  get generation(): number {
    return this.#generation;
  }

  /** The table, or the catalog's TableNotFoundError (suggesting close names). */
  async get(name: string | TableName): Promise<CatalogTable> {
    return this.#remembered(name) ?? this.#remember(name, await this.#lookup(() => this.catalog.getTable(name)));
  }

  /** The table, or undefined when the name is not a table. */
  async find(name: string | TableName): Promise<CatalogTable | undefined> {
    const known = this.#remembered(name);
    if (known !== undefined) return known;
    const found = await this.#lookup(() => this.catalog.findTable(name));
    return found.value === undefined
      ? undefined
      : this.#remember(name, { value: found.value, generation: found.generation });
  }

  /** Forgets every table: called after DDL through this server. */
  invalidate(): void {
    this.#generation++;
    this.#entries.clear();
  }

  #remembered(name: string | TableName): CatalogTable | undefined {
    return this.#entries.get(keyOf(name));
  }

  async #lookup<T>(query: () => Promise<T>): Promise<Answer<T>> {
    const generation = this.#generation;
    return { value: await query(), generation };
  }

  #remember(name: string | TableName, found: Answer<CatalogTable>): CatalogTable {
    if (this.ttlMs <= 0 || found.generation !== this.#generation) return found.value;
    this.#entries.set(keyOf(name), found.value);
    return found.value;
  }
}

function keyOf(name: string | TableName): string {
  return typeof name === 'string' ? `s\n${name}` : `n\n${name.schema}\n${name.table}`;
}
