/**
 * Redis going away and coming back, on a private server this suite stops and restarts
 * (scripts/redis-test-server.sh): calls fail fast with a typed `unavailable` error (a 503
 * by the API's mapping of categories) and the same store object works again once the server is back,
 * its write script reloaded into the restarted server.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/index.js';
import { OnlineStoreUnavailableError, openOnlineStore, type OnlineStore } from '../../src/features/online/index.js';
import { haveRedisServer, redisRequired, redisServer } from './helpers/redis-server.js';

describe.skipIf(!haveRedisServer && !redisRequired)('Redis online store: server down and back', () => {
  let dir: string;
  let store: OnlineStore;
  const row = (x: number) => ({ key: { id: 1 }, eventTime: 1_000 + x, values: { x } });

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'strata-redis-down-'));
    store = openOnlineStore(redisServer('start', dir), { connectWaitMs: 300, commandTimeoutMs: 2000 });
  });
  afterAll(async () => {
    await store?.close();
    if (dir) redisServer('stop', dir);
  });

  it('fails as unavailable (503) while the server is down and recovers when it returns', async () => {
    await store.write('v', [row(1)]);
    expect((await store.read([{ view: 'v', keys: [{ id: 1 }] }]))[0]![0]?.values.x).toBe(1);

    redisServer('pause', dir);
    for (const call of [
      () => store.read([{ view: 'v', keys: [{ id: 1 }] }]),
      () => store.write('v', [row(2)]),
    ] as Array<() => Promise<unknown>>) {
      const failure = call();
      await expect(failure).rejects.toBeInstanceOf(OnlineStoreUnavailableError);
      const error = (await failure.catch((e: unknown) => e)) as OnlineStoreUnavailableError;
      // The category makes it a 503 in the API (test/core/error-codes.test.ts).
      expect([error.code, error.category]).toEqual(['FEATURES_ONLINE_UNAVAILABLE', 'unavailable']);
      expect(error.message).toMatch(/redis:\/\/127\.0\.0\.1:\d+/);
    }

    redisServer('start', dir); // same port, empty (no persistence) and without our script loaded
    let written: Awaited<ReturnType<OnlineStore['write']>> | undefined;
    for (let attempt = 0; attempt < 50 && !written; attempt++) {
      written = await store.write('v', [row(3)], { watermark: { next: 1 } }).catch(async (error: unknown) => {
        if (!(error instanceof OnlineStoreUnavailableError)) throw error;
        await systemClock.sleep(100);
        return undefined;
      });
    }
    expect(written).toEqual({ written: 1, skipped: 0 });
    expect((await store.read([{ view: 'v', keys: [{ id: 1 }] }]))[0]![0]?.values.x).toBe(3);
    expect(await store.watermark('v')).toBe(1);
  });
});
