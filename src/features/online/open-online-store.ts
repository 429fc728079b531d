/**
 * Chooses and opens the online store, as the metadata database is chosen: a URL when one
 * is given (the `url` option, else STRATA_ONLINE_STORE_URL) — `redis://` or `rediss://` →
 * Redis, a plain path or `file://` → the embedded lmdb store there — otherwise the
 * embedded store in `<warehouse>/online/`.
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LmdbOnlineStore } from './lmdb-store.js';
import { OnlineStoreInvalidError } from './online-errors.js';
import type { OnlineStore } from './online-store.js';
import { RedisOnlineStore, type RedisOnlineStoreOptions } from './redis-store.js';

export const ONLINE_STORE_URL_ENV = 'STRATA_ONLINE_STORE_URL';
/** The embedded store's directory inside a warehouse. */
export const ONLINE_DIRECTORY = 'online';

export type OnlineStoreOptions = RedisOnlineStoreOptions;

export interface OnlineStoreConfigOptions {
  /** The warehouse directory; the embedded store lives in `<warehouse>/online`. */
  readonly warehouse?: string;
  /** A store URL or directory; default: STRATA_ONLINE_STORE_URL. */
  readonly url?: string;
  /** Where STRATA_ONLINE_STORE_URL is read from (default: process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** The URL (or directory) of the configured online store. */
export function resolveOnlineStoreUrl(options: OnlineStoreConfigOptions): string {
  const url = options.url ?? (options.env ?? process.env)[ONLINE_STORE_URL_ENV];
  if (url !== undefined && url.trim() !== '') return url.trim();
  if (options.warehouse === undefined)
    throw new OnlineStoreInvalidError(
      `No online store configured: pass a warehouse directory (embedded store) or a store URL (url or ${ONLINE_STORE_URL_ENV}).`,
    );
  return path.resolve(options.warehouse, ONLINE_DIRECTORY);
}

export function openOnlineStore(url: string, options: OnlineStoreOptions = {}): OnlineStore {
  if (/^rediss?:\/\//.test(url)) return new RedisOnlineStore(url, options);
  if (url.startsWith('file://')) return new LmdbOnlineStore(fileURLToPath(url));
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return new LmdbOnlineStore(url);
  throw new OnlineStoreInvalidError(
    `No online store for ${url}: use redis://host:port, rediss://..., a directory path or a file:// URL.`,
    { url },
  );
}
