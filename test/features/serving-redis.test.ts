/**
 * Serving through Redis going away and coming back, on a private server this suite
 * stops and restarts (scripts/redis-test-server.sh): while it is down a request gets a
 * typed 503 (FEATURES_ONLINE_UNAVAILABLE) and the server keeps answering; once it is
 * back the same FeatureServer serves again without a restart.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/index.js';
import { FeatureServer, openOnlineStore } from '../../src/index.js';
import { startTestApi, type TestApi } from '../api/helpers/api-harness.js';
import { DEFINITIONS, writeServingRows } from './helpers/serving-fixture.js';
import { haveRedisServer, redisRequired, redisServer } from './helpers/redis-server.js';

describe.skipIf(!haveRedisServer && !redisRequired)('online serving through Redis: down and back', () => {
  let dir: string;
  let api: TestApi;
  let features: FeatureServer;
  const request = () =>
    api.fetch('/get-online-features', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ features: ['driver_hourly_stats:avg_daily_trips'], entities: { driver_id: [1003] } }),
    });

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'strata-serving-redis-'));
    const store = openOnlineStore(redisServer('start', dir), { connectWaitMs: 300, commandTimeoutMs: 2000 });
    features = new FeatureServer(DEFINITIONS, store);
    await writeServingRows(store, Date.now());
    api = await startTestApi({ server: { features }, seed: false });
  });
  afterAll(async () => {
    await api?.close();
    await features?.close();
    if (dir) redisServer('stop', dir);
  });

  it('answers 503 while Redis is down and serves again when it is back', async () => {
    const before = await request();
    expect(before.status).toBe(200);
    expect(((await before.json()) as { results: { values: unknown[] }[] }).results[1]!.values).toEqual([779]);

    redisServer('pause', dir);
    const down = await request();
    expect(down.status).toBe(503);
    const error = (await down.json()) as { code: string; message: string };
    expect(error.code).toBe('FEATURES_ONLINE_UNAVAILABLE');
    expect(error.message).toMatch(/redis:\/\/127\.0\.0\.1:\d+ is unavailable/);
    expect((await api.fetch('/health')).status).toBeLessThan(500);

    redisServer('start', dir); // same port, empty: no persistence
    let status = 503;
    for (let attempt = 0; attempt < 50 && status === 503; attempt++) {
      status = (await request()).status;
      if (status === 503) await systemClock.sleep(100);
    }
    expect(status).toBe(200);
    await writeServingRows(features.store, Date.now());
    const after = (await (await request()).json()) as { results: { values: unknown[]; statuses: string[] }[] };
    expect(after.results[1]).toMatchObject({ values: [779], statuses: ['PRESENT'] });
  });
});
