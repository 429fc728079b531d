/**
 * The one in-memory cache: least-recently-used eviction past `maxEntries`, optional
 * time to live, and `getOrSet` that shares one computation among concurrent callers
 * (a rejected promise is forgotten at once, so a failure is not remembered).
 */
import { systemClock, type Clock } from './clock.js';

export interface CacheOptions<K = unknown, V = unknown> {
  /** Entries kept at most; the least recently used go first. */
  readonly maxEntries: number;
  /** How long an entry stays fresh (default: until evicted or deleted). */
  readonly ttlMs?: number;
  readonly clock?: Clock;
  /**
   * Called with each entry the cache drops by itself (past `maxEntries`, expired, or by
   * `clear` and `deleteWhere`), for values that hold resources; not for `delete`, whose
   * caller takes the value back, nor for a value replaced by `set` under the same key.
   */
  readonly onEvict?: (key: K, value: V) => void;
}

interface Entry<V> {
  readonly value: V;
  readonly expires: number;
}

export class Cache<K, V> {
  // A Map iterates in insertion order: re-inserting on use keeps the least recently used first.
  readonly #entries = new Map<K, Entry<V>>();
  readonly #maxEntries: number;
  readonly #ttlMs: number;
  readonly #clock: Clock;
  readonly #onEvict: ((key: K, value: V) => void) | undefined;

  constructor(options: CacheOptions<K, V>) {
    if (!(options.maxEntries >= 1)) throw new RangeError(`maxEntries must be at least 1, got ${options.maxEntries}`);
    this.#maxEntries = options.maxEntries;
    this.#ttlMs = options.ttlMs ?? Number.POSITIVE_INFINITY;
    this.#clock = options.clock ?? systemClock;
    this.#onEvict = options.onEvict;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The fresh value for `key` (marking it recently used), or undefined. */
  get(key: K): V | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expires <= this.#clock.now()) {
      this.#entries.delete(key);
      this.#onEvict?.(key, entry.value);
      return undefined;
    }
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.value;
  }

  has(key: K): boolean {
    return this.get(key) !== undefined;
  }

  /** Stores `value`; `ttlMs` overrides the cache's time to live for this entry. */
  set(key: K, value: V, ttlMs = this.#ttlMs): this {
    this.#entries.delete(key);
    this.#entries.set(key, { value, expires: this.#clock.now() + ttlMs });
    while (this.#entries.size > this.#maxEntries) {
      const [oldest, dropped] = this.#entries.entries().next().value as [K, Entry<V>];
      this.#entries.delete(oldest);
      this.#onEvict?.(oldest, dropped.value);
    }
    return this;
  }

  /**
   * The fresh value for `key`, or the one `produce` makes (stored and returned). A promise
   * is stored as is, so concurrent callers share it; if it rejects it is removed.
   */
  getOrSet(key: K, produce: () => V): V {
    const cached = this.get(key);
    if (cached !== undefined) return cached;
    const value = produce();
    this.set(key, value);
    if (value instanceof Promise)
      value.catch(() => {
        if (this.#entries.get(key)?.value === value) this.#entries.delete(key);
      });
    return value;
  }

  delete(key: K): boolean {
    return this.#entries.delete(key);
  }

  /** Removes every entry whose key matches (e.g. all entries of one table). */
  deleteWhere(matches: (key: K, value: V) => boolean): void {
    for (const [key, entry] of this.#entries) {
      if (!matches(key, entry.value)) continue;
      this.#entries.delete(key);
      this.#onEvict?.(key, entry.value);
    }
  }

  clear(): void {
    const entries = [...this.#entries];
    this.#entries.clear();
    for (const [key, entry] of entries) this.#onEvict?.(key, entry.value);
  }
}
