/**
 * Online serving over HTTP: `POST /v1/features/online` for a 50-feature service on a
 * real API server (HTTP/1.1, in this process) with its FeatureServer over the embedded
 * lmdb store, and a second one over Redis; the client is a forked process (undici Pool,
 * one request in flight per connection). Latency figures are at a fixed offered rate
 * (open loop: each request is due at its time and its latency counts from then), so
 * queueing shows instead of being hidden by a slower sender; requests/s at 1,000
 * connections is the most the server answered with every connection waiting (closed loop). Figures:
 *   online_p99_ms_1x50         1 entity × 50 features, 64 connections, lmdb
 *   online_p99_ms_1x50_redis   the same through Redis, beside a plain Redis MGET of the
 *                              same keys from the same client process at the same
 *                              concurrency (online_vs_redis_ratio: p50 served / p50 MGET)
 *   online_p99_ms_100x50       100 entities × 50 features, 4 connections, lmdb
 *   online_p99_ms_1000_conns   1 × 50 at 1,000 connections, lmdb, with requests/s
 * Sides alternate in ABBA rounds; round 0 warms up and is left out.
 */
import * as path from 'node:path';
import { ApiServer } from '../../src/api/index.js';
import { Catalog, initWarehouse } from '../../src/catalog/index.js';
import {
  FeatureServer,
  defineEntity,
  defineFeatureService,
  defineFeatureView,
  definitionSet,
  encodeEntityKey,
  openOnlineStore,
  tableSource,
  type FeatureType,
  type OnlineRow,
} from '../../src/features/index.js';
import { seededRandom } from '../../test/support/random.js';
import { WorkerProcess } from '../api/worker-process.js';
import { latencyText, percentiles, type Percentiles } from '../api/stats.js';
import type { BenchResult, Scenario } from '../harness.js';
import type { ClientResult } from './serving-client.js';
import { redisServer } from '../../test/features/helpers/redis-server.js';

const ENTITIES = 10_000;
const FEATURES = Array.from({ length: 50 }, (_, i) => `f${i}`);
const TYPES: FeatureType[] = ['string', 'int64', 'float64', 'float64', 'float64'];
const PREFIX = 'bench-serving:';
const ROUNDS = 4;
/** The offered load of the latency figures (requests/s, scheduled: open loop). */
const RATE = 500;
const RATE_100 = 20;

function definitions() {
  const driver = defineEntity({ name: 'driver', joinKeys: { driver_id: 'int64' } });
  const view = defineFeatureView({
    name: 'driver_stats',
    entities: [driver],
    source: tableSource('driver_stats'),
    eventTime: 'event_ts',
    ttl: '1d',
    features: Object.fromEntries(FEATURES.map((f, i) => [f, TYPES[i % 5]!])),
  });
  const service = defineFeatureService({ name: 'driver_50', features: ['driver_stats'] });
  return definitionSet([driver, view, service]);
}

function rows(): OnlineRow[] {
  const random = seededRandom(13);
  const now = Date.now() * 1000;
  return Array.from({ length: ENTITIES }, (_, id) => ({
    key: { driver_id: id },
    eventTime: now - Math.floor(random() * 3_600_000_000),
    values: Object.fromEntries(
      FEATURES.map((f, i) => [f, i % 5 === 0 ? `v${Math.floor(random() * 1e6)}` : i % 5 === 1 ? id : random()]),
    ),
  }));
}

function bodies(batch: number, count: number): { bodies: string[]; ids: number[][] } {
  const random = seededRandom(batch);
  const ids = Array.from({ length: count }, () => Array.from({ length: batch }, () => Math.floor(random() * ENTITIES)));
  const bodies = ids.map((list) =>
    JSON.stringify({ service: 'driver_50', entities: list.map((driver_id) => ({ driver_id })) }),
  );
  return { bodies, ids };
}

interface Side {
  readonly name: string;
  run(): Promise<ClientResult>;
}

async function rounds(sides: readonly Side[], label: string, log: (m: string) => void) {
  const samples = new Map(sides.map((s) => [s.name, [] as number[]]));
  const seconds = new Map(sides.map((s) => [s.name, 0]));
  const counts = new Map(sides.map((s) => [s.name, 0]));
  for (let round = 0; round <= ROUNDS; round++) {
    for (const side of round % 2 === 0 ? sides : [...sides].reverse()) {
      const result = await side.run();
      if (result.failures > 0) throw new Error(`${label} ${side.name}: ${result.failures} requests failed`);
      if (round === 0) continue;
      samples.get(side.name)!.push(...result.latencies);
      seconds.set(side.name, seconds.get(side.name)! + result.seconds);
      counts.set(side.name, counts.get(side.name)! + result.latencies.length);
    }
    log(`${label} round ${round}/${ROUNDS}`);
  }
  return new Map(
    sides.map((s) => [
      s.name,
      { p: percentiles(samples.get(s.name)!), rps: counts.get(s.name)! / seconds.get(s.name)! },
    ]),
  ) as Map<string, { p: Percentiles; rps: number }>;
}

export const onlineServing: Scenario = {
  name: 'online-serving',
  description: 'POST /v1/features/online over HTTP: 1×50 at 64 and 1,000 connections, 100×50; lmdb, Redis, MGET floor',
  async run({ workDir, log }) {
    const warehouse = path.join(workDir, 'warehouse');
    await initWarehouse(warehouse);
    const catalog = await Catalog.open({ warehouse });
    const redisDir = path.join(workDir, 'redis');
    const redisUrl = redisServer('start', redisDir);
    const set = definitions();
    const lmdb = new FeatureServer(set, openOnlineStore(path.join(workDir, 'online')));
    const redis = new FeatureServer(set, openOnlineStore(redisUrl, { keyPrefix: PREFIX }));
    const servers: ApiServer[] = [];
    let client: WorkerProcess<ClientResult> | undefined;
    try {
      const data = rows();
      for (const s of [lmdb, redis]) await s.store.write('driver_stats', data);
      log(`wrote ${ENTITIES} rows × ${FEATURES.length} features to lmdb and Redis`);
      for (const features of [lmdb, redis])
        servers.push(
          await ApiServer.start({
            catalog,
            port: 0,
            protocol: 'http1',
            insecureLocal: true,
            logLevel: 'silent',
            features,
          }),
        );
      const [lmdbUrl, redisServerUrl] = servers.map((s) => s.url) as [string, string];
      client = await WorkerProcess.start<ClientResult>(
        'serving client',
        new URL('./serving-client.ts', import.meta.url),
      );
      const c = client;
      const http = (
        name: string,
        origin: string,
        batch: number,
        connections: number,
        requests: number,
        rate?: number,
      ): Side => {
        const prepared = bodies(batch, 2000);
        const job = {
          kind: 'http',
          origin,
          path: '/v1/features/online',
          bodies: prepared.bodies,
          connections,
          requests,
        };
        return { name, run: () => c.ask(rate === undefined ? job : { ...job, rate }, 'done') };
      };
      const keys = bodies(1, 2000).ids.map((list) =>
        list.map((driver_id) => `${PREFIX}driver_stats:r:${encodeEntityKey({ driver_id })}`),
      );
      const mget: Side = {
        name: 'mget',
        run: () => c.ask({ kind: 'mget', url: redisUrl, keys, concurrency: 64, requests: 2000, rate: RATE }, 'done'),
      };

      const one = await rounds(
        [http('lmdb', lmdbUrl, 1, 64, 2000, RATE), http('redis', redisServerUrl, 1, 64, 2000, RATE), mget],
        `1×50 at 64 connections, ${RATE} req/s`,
        log,
      );
      const hundred = await rounds([http('lmdb', lmdbUrl, 100, 4, 200, RATE_100)], '100×50 at 4 connections', log);
      const many = await rounds(
        [http('lmdb', lmdbUrl, 1, 1000, 3000, RATE), http('max', lmdbUrl, 1, 1000, 4000)],
        '1×50 at 1,000 connections',
        log,
      );
      const l = one.get('lmdb')!;
      const r = one.get('redis')!;
      const m = one.get('mget')!;
      const h = hundred.get('lmdb')!;
      const k = many.get('lmdb')!;
      const x = many.get('max')!;
      return [
        {
          name: 'online_p99_ms_1x50',
          value: l.p.p99,
          unit: 'ms',
          bound: { max: 2 },
          note: `${latencyText(l.p, 3)} at ${RATE} req/s (open loop), 64 connections, embedded lmdb, HTTP/1.1 (undici)`,
        },
        {
          name: 'online_p99_ms_1x50_redis',
          value: r.p.p99,
          unit: 'ms',
          note: `${latencyText(r.p, 3)} at ${RATE} req/s; MGET floor ${latencyText(m.p, 3)}`,
        },
        {
          name: 'online_vs_redis_ratio',
          value: r.p.p50 / m.p.p50,
          unit: 'ratio',
          note: `served through Redis p50 / plain MGET p50 (p99 ratio ${(r.p.p99 / m.p.p99).toFixed(2)}), same client process, 64 in flight`,
        },
        {
          name: 'online_p99_ms_100x50',
          value: h.p.p99,
          unit: 'ms',
          bound: { max: 10 },
          note: `${latencyText(h.p, 3)} at ${RATE_100} req/s (open loop), 4 connections, lmdb`,
        },
        {
          name: 'online_p99_ms_1000_conns',
          value: k.p.p99,
          unit: 'ms',
          bound: { max: 15, aim: 5 },
          note: `${latencyText(k.p, 3)} at ${RATE} req/s (open loop) over 1,000 connections, lmdb`,
        },
        {
          name: 'online_rps_1000_conns',
          value: x.rps,
          unit: 'req/s',
          note: `most requests/s at 1,000 connections, each waiting for its answer (closed loop): ${latencyText(x.p, 1)}`,
        },
      ] satisfies BenchResult[];
    } finally {
      await client?.close();
      for (const server of servers) await server.close();
      await lmdb.close();
      await redis.close();
      await catalog.close();
      redisServer('stop', redisDir);
    }
  },
};
