/**
 * Online reads at the store level (no HTTP: serving is measured by its own scenario once
 * it exists): 1 entity × 50 features and 100 × 50 from the embedded lmdb store and from
 * Redis, beside a plain Redis MGET of the same keys as the floor. Sides alternate in
 * ABBA rounds of sequential requests on the same data; latencies are per request.
 * Then 1 × 50 with 64 requests in flight (one process, one connection per store). Redis is
 * a private server started with scripts/redis-test-server.sh in the work dir.
 */
import * as path from 'node:path';
import { Redis } from 'ioredis';
import {
  encodeEntityKey,
  openOnlineStore,
  readOnlineFeatures,
  type OnlineRow,
  type OnlineStore,
} from '../../src/features/online/index.js';
import { seededRandom } from '../../test/support/random.js';
import type { BenchResult, Scenario } from '../harness.js';
import { latencyText, percentiles, type Percentiles } from '../api/stats.js';
import { redisServer } from '../../test/features/helpers/redis-server.js';

const ENTITIES = 10_000;
const FEATURES = Array.from({ length: 50 }, (_, i) => `f${i}`);
const PREFIX = 'bench:';
const ROUNDS = 6;
const REQUESTS = { 1: 1500, 100: 150 } as const;
const CONCURRENCY = 64;

function rows(): OnlineRow[] {
  const random = seededRandom(13);
  const now = Date.now() * 1000;
  return Array.from({ length: ENTITIES }, (_, id) => ({
    key: { driver_id: id },
    eventTime: now - Math.floor(random() * 3_600_000_000),
    values: Object.fromEntries(
      FEATURES.map((f, i) => [f, i % 5 === 0 ? `v${Math.floor(random() * 1e6)}` : i % 5 === 1 ? BigInt(id) : random()]),
    ),
  }));
}

interface Side {
  readonly name: string;
  read(ids: readonly number[]): Promise<unknown>;
}

const storeSide = (name: string, store: OnlineStore): Side => ({
  name,
  read: (ids) =>
    readOnlineFeatures(store, {
      entityRows: ids.map((driver_id) => ({ driver_id })),
      views: [{ view: 'driver_stats', joinKeys: ['driver_id'], features: FEATURES, ttlMs: 86_400_000 }],
    }),
});

async function runSides(sides: readonly Side[], batch: 1 | 100, log: (m: string) => void) {
  const random = seededRandom(batch);
  const latencies = new Map(sides.map((s) => [s.name, [] as number[]]));
  for (let round = 0; round < ROUNDS + 1; round++) {
    for (const side of round % 2 === 0 ? sides : [...sides].reverse()) {
      const into = latencies.get(side.name)!;
      for (let i = 0; i < REQUESTS[batch]; i++) {
        const ids = Array.from({ length: batch }, () => Math.floor(random() * ENTITIES));
        const start = performance.now();
        await side.read(ids);
        if (round > 0) into.push(performance.now() - start); // round 0 warms up
      }
    }
    log(`${batch}×50 round ${round}/${ROUNDS}`);
  }
  return new Map([...latencies].map(([name, values]) => [name, percentiles(values)]));
}

/** 64 requests in flight at all times (one client each side: Redis pipelines them on its connection). */
async function runConcurrent(sides: readonly Side[], log: (m: string) => void) {
  const random = seededRandom(64);
  const latencies = new Map(sides.map((s) => [s.name, [] as number[]]));
  for (let round = 0; round < ROUNDS + 1; round++) {
    for (const side of round % 2 === 0 ? sides : [...sides].reverse()) {
      const into = latencies.get(side.name)!;
      let left = REQUESTS[1];
      const loop = async () => {
        while (left-- > 0) {
          const start = performance.now();
          await side.read([Math.floor(random() * ENTITIES)]);
          if (round > 0) into.push(performance.now() - start);
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, loop));
    }
    log(`1×50 at ${CONCURRENCY} in flight, round ${round}/${ROUNDS}`);
  }
  return new Map([...latencies].map(([name, values]) => [name, percentiles(values)]));
}

export const onlineRead: Scenario = {
  name: 'online-read',
  description: 'online store reads, 1×50 and 100×50 features: lmdb, Redis, and a plain Redis MGET floor',
  async run({ workDir, log }) {
    const serverDir = path.join(workDir, 'redis');
    const url = redisServer('start', serverDir);
    const lmdb = openOnlineStore(path.join(workDir, 'online'));
    const redis = openOnlineStore(url, { keyPrefix: PREFIX });
    const plain = new Redis(url, { enableOfflineQueue: true });
    try {
      const data = rows();
      for (const store of [lmdb, redis]) await store.write('driver_stats', data);
      log(`wrote ${ENTITIES} rows × ${FEATURES.length} features to both stores`);
      const mget: Side = {
        name: 'mget',
        read: (ids) => plain.mget(ids.map((driver_id) => `${PREFIX}driver_stats:r:${encodeEntityKey({ driver_id })}`)),
      };
      const sides = [storeSide('lmdb', lmdb), storeSide('redis', redis), mget];
      const results: BenchResult[] = [];
      for (const batch of [1, 100] as const) {
        const p = await runSides(sides, batch, log);
        const [l, r, m] = ['lmdb', 'redis', 'mget'].map((name) => p.get(name)!) as [
          Percentiles,
          Percentiles,
          Percentiles,
        ];
        const shape = `${batch}x50`;
        const bound = batch === 1 ? { max: 2 } : { max: 10 };
        results.push(
          { name: `online_store_p99_ms_${shape}_lmdb`, value: l.p99, unit: 'ms', bound, note: latencyText(l, 3) },
          { name: `online_store_p99_ms_${shape}_redis`, value: r.p99, unit: 'ms', note: latencyText(r, 3) },
          { name: `redis_mget_p99_ms_${shape}`, value: m.p99, unit: 'ms', note: latencyText(m, 3) },
          {
            name: `online_vs_redis_ratio_${shape}`,
            value: r.p50 / m.p50,
            unit: 'ratio',
            note: `Redis store p50 / plain MGET p50 (p99 ratio ${(r.p99 / m.p99).toFixed(2)}); lmdb / MGET p50 ${(l.p50 / m.p50).toFixed(2)}`,
          },
        );
      }
      const c = await runConcurrent(sides, log);
      for (const [name, p] of c)
        results.push({
          name: `${name === 'mget' ? 'redis_mget' : `online_store_${name}`}_p99_ms_1x50_c${CONCURRENCY}`,
          value: p.p99,
          unit: 'ms',
          note: `${latencyText(p, 3)}, ${CONCURRENCY} requests in flight from one process`,
        });
      return results;
    } finally {
      plain.disconnect();
      await Promise.all([lmdb.close(), redis.close()]);
      redisServer('stop', serverDir);
    }
  },
};
