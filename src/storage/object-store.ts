/**
 * The object-store interface every storage backend implements.
 *
 * Keys are `/`-separated paths relative to the store's root URL. Guarantees every
 * implementation must give (checked by test/storage-contract.test.ts):
 * - `put` replaces an object atomically: a reader sees the old bytes or the new, never a mix.
 * - `putIfAbsent` is atomic: of any number of concurrent callers for one key exactly one
 *   gets `true`; it never checks-then-writes. Delta commits rely on this.
 * - `list(prefix)` returns every object whose key starts with `prefix`, sorted by key.
 */
export interface ObjectMeta {
  readonly key: string;
  readonly size: number;
  /** Last modification, epoch milliseconds. Delta uses it as the commit timestamp. */
  readonly lastModified: number;
}

export interface ObjectStore {
  /** The root URL this store was opened at (no trailing slash). */
  readonly root: string;
  get(key: string): Promise<Uint8Array>;
  /** `length` bytes from `offset` (fewer at the end of the object). */
  getRange(key: string, offset: number, length: number): Promise<Uint8Array>;
  /** Metadata, or undefined when absent. */
  head(key: string): Promise<ObjectMeta | undefined>;
  put(key: string, data: Uint8Array | string): Promise<void>;
  /** Writes only if no object has that key; `false` when one already does. */
  putIfAbsent(key: string, data: Uint8Array | string): Promise<boolean>;
  /** Objects under `prefix`, sorted; with `startAfter`, only keys greater than it (cheap on every backend). */
  list(prefix: string, startAfter?: string): Promise<ObjectMeta[]>;
  /** Deletes; absent keys are not an error. */
  delete(key: string): Promise<void>;
  /**
   * A local filesystem path for the key when the store is local, so DuckDB can read
   * and write it directly; undefined for remote and in-memory stores.
   */
  localPath(key: string): string | undefined;
  /** A URL naming the key, for messages and for absolute paths in the log. */
  url(key: string): string;
}

export function joinKey(...parts: string[]): string {
  return parts
    .filter((p) => p !== '')
    .join('/')
    .replace(/\/{2,}/g, '/');
}
