/**
 * Opens an online store by URL, as object stores are opened by scheme: `redis://` or
 * `rediss://` → Redis, a plain path or `file://` → the embedded lmdb store at that
 * directory. The default place of the embedded store is `<warehouse>/online/`.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LmdbOnlineStore } from './lmdb-store.js';
import { OnlineStoreInvalidError } from './online-errors.js';
import type { OnlineStore } from './online-store.js';
import { RedisOnlineStore, type RedisOnlineStoreOptions } from './redis-store.js';

export type OnlineStoreOptions = RedisOnlineStoreOptions;

export function openOnlineStore(url: string, options: OnlineStoreOptions = {}): OnlineStore {
  if (/^rediss?:\/\//.test(url)) return new RedisOnlineStore(url, options);
  if (url.startsWith('file://')) return new LmdbOnlineStore(fileURLToPath(url));
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return new LmdbOnlineStore(url);
  throw new OnlineStoreInvalidError(
    `No online store for ${url}: use redis://host:port, rediss://..., a directory path or file:// URL.`,
    { url },
  );
}

/** Where the embedded store lives for a warehouse on local disk. */
export const embeddedOnlinePath = (warehouseDir: string): string => join(warehouseDir, 'online');
