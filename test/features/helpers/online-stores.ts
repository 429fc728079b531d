/**
 * The online stores every contract case runs against: the embedded lmdb store in a fresh
 * directory, and Redis when STRATA_TEST_REDIS_URL names a server (scripts/redis-test-server.sh
 * starts one; .ci/run does). Without it the Redis cases fail under CI and are skipped
 * locally, saying why. Each `create()` is isolated: a new directory, or a new key prefix.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { it } from 'vitest';
import { openOnlineStore, type OnlineStore, type OnlineStoreOptions } from '../../../src/features/online/index.js';

export const REDIS_URL_ENV = 'STRATA_TEST_REDIS_URL';
export const redisUrl = process.env[REDIS_URL_ENV]?.trim() || undefined;

export interface StoreSetup {
  /** What a child process passes to openOnlineStore to reach the same store. */
  readonly url: string;
  readonly options: OnlineStoreOptions;
  open(extra?: OnlineStoreOptions): OnlineStore;
  dispose(): void;
}

export interface StoreKind {
  readonly name: 'lmdb' | 'redis';
  /** Whether the store can run here; a reason when not. */
  readonly missing?: string;
  create(): StoreSetup;
}

const lmdb: StoreKind = {
  name: 'lmdb',
  create() {
    const dir = mkdtempSync(path.join(tmpdir(), 'strata-online-'));
    const url = path.join(dir, 'online');
    return {
      url,
      options: {},
      open: () => openOnlineStore(url),
      dispose: () => rmSync(dir, { recursive: true, force: true }),
    };
  },
};

const redis: StoreKind = {
  name: 'redis',
  ...(redisUrl
    ? {}
    : {
        missing: `${REDIS_URL_ENV} is not set: start a server with \`dir=$(mktemp -d); export ${REDIS_URL_ENV}=$(scripts/redis-test-server.sh start "$dir")\``,
      }),
  create() {
    const options = { keyPrefix: `strata-test:${randomUUID().slice(0, 8)}:` };
    return {
      url: redisUrl!,
      options,
      open: (extra = {}) => openOnlineStore(redisUrl!, { ...options, ...extra }),
      dispose: () => {},
    };
  },
};

export const STORE_KINDS: readonly StoreKind[] = [lmdb, redis];

/** Registers the "cannot run" case for a kind that is missing: failing under CI, skipped locally. */
export function reportMissing(kind: StoreKind): boolean {
  if (!kind.missing) return false;
  if (process.env.CI === 'true' || process.env.CI === '1')
    it('has a Redis server to test against', () => {
      throw new Error(`${kind.missing}. CI must run this suite against Redis (.ci/run starts one).`);
    });
  else it.skip(`needs Redis: ${kind.missing}`, () => {});
  return true;
}
