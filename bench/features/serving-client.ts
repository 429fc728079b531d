/**
 * The serving bench's client process (forked, so its CPU is not the server's): POSTs
 * prepared JSON bodies through an undici Pool with N connections, one request in flight
 * per connection, recording each request's latency; and, as the floor, the plain Redis
 * MGET of the same keys from this same process with the same concurrency.
 */
import { Redis } from 'ioredis';
import { Pool } from 'undici';
import { serveParent, toParent } from '../api/worker-process.js';

export interface HttpJob {
  readonly kind: 'http';
  readonly origin: string;
  readonly path: string;
  readonly bodies: readonly string[];
  readonly connections: number;
  readonly requests: number;
  /** Requests per second, scheduled at fixed times (open loop); absent: as fast as answers come (closed loop). */
  readonly rate?: number;
}

export interface MgetJob {
  readonly kind: 'mget';
  readonly url: string;
  readonly keys: readonly (readonly string[])[];
  readonly concurrency: number;
  readonly requests: number;
  readonly rate?: number;
}

export interface ClientResult {
  readonly kind: 'done';
  readonly latencies: Float64Array;
  readonly seconds: number;
  readonly failures: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `concurrency` loops take requests in turn. With a rate, request i is due at
 * start + i/rate and its latency counts from then (so a backlog shows as latency rather
 * than hiding as a slower send rate: no coordinated omission).
 */
async function loop(
  concurrency: number,
  requests: number,
  rate: number | undefined,
  one: (i: number) => Promise<boolean>,
) {
  const latencies = new Float64Array(requests);
  let next = 0;
  let failures = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests) {
        const i = next++;
        const due = rate === undefined ? performance.now() : started + (i * 1000) / rate;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
        // Timers may wake up to a millisecond early: a request sent before it was due counts
        // from its send, one sent late from when it was due (a backlog shows as latency).
        const from = Math.min(due, performance.now());
        if (!(await one(i))) failures++;
        latencies[i] = performance.now() - from;
      }
    }),
  );
  return { kind: 'done' as const, latencies, seconds: (performance.now() - started) / 1000, failures };
}

let pool: Pool | undefined;
let poolKey = '';

async function http(job: HttpJob): Promise<ClientResult> {
  const key = `${job.origin} ${job.connections}`;
  if (pool === undefined || poolKey !== key) {
    await pool?.close();
    pool = new Pool(job.origin, { connections: job.connections, pipelining: 1 });
    poolKey = key;
  }
  const client = pool;
  return loop(job.connections, job.requests, job.rate, async (i) => {
    const response = await client.request({
      path: job.path,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: job.bodies[i % job.bodies.length]!,
    });
    await response.body.arrayBuffer();
    return response.statusCode === 200;
  });
}

const redisClients = new Map<string, Redis>();

async function mget(job: MgetJob): Promise<ClientResult> {
  let redis = redisClients.get(job.url);
  if (redis === undefined) {
    redis = new Redis(job.url);
    redisClients.set(job.url, redis);
  }
  const client = redis;
  return loop(job.concurrency, job.requests, job.rate, async (i) => {
    const values = await client.mget(...job.keys[i % job.keys.length]!);
    return values.length > 0;
  });
}

serveParent(async (message) => {
  if (message.kind === 'http') toParent(await http(message as unknown as HttpJob));
  else if (message.kind === 'mget') toParent(await mget(message as unknown as MgetJob));
});
process.on('exit', () => {
  for (const redis of redisClients.values()) redis.disconnect();
});
