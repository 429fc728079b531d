/**
 * rest_cache_latency_reduction: p50 latency of a repeated aggregate over the 3M real
 * flights, served from the in-process cache (and as a 304 to a client that sends
 * If-None-Match) against the same request computed by a second server on the same
 * warehouse started with `cacheBytes: 0`. autocannon from a client process, same
 * connections and duration for each side, rounds alternating; headline: the cache.
 */
import { median, spread, type BenchResult, type Scenario } from '../harness.js';
import { apiWarehouse, Served } from './api-warehouse.js';
import { expectStatus, LoadClient } from './load-client.js';
import type { LoadResult } from './load-protocol.js';

const AGGREGATE =
  '/v1/tables/main.flights/rows?select=origin,flights:count(),avg_delay:delay.avg(),total_distance:distance.sum()&order=flights.desc&limit=50';
const CONNECTIONS = 4;
const SECONDS = 4;
const ROUNDS = 3;

export const restCacheLatency: Scenario = {
  name: 'rest_cache_latency_reduction',
  description: `p50 of a repeated aggregate over 3M flights: cached / 304 vs computed (cacheBytes 0), autocannon ${CONNECTIONS} connections × ${SECONDS} s, ${ROUNDS} alternating rounds`,
  async run({ workDir, log }) {
    const served = await Served.open(await apiWarehouse(workDir, log));
    const load = await LoadClient.start();
    try {
      const caching = await served.start();
      const computing = await served.start({ cacheBytes: 0 });
      const first = await fetch(`${caching.url}${AGGREGATE}`);
      const etag = first.headers.get('etag');
      const body = await first.text();
      const computed = await (await fetch(`${computing.url}${AGGREGATE}`)).text();
      if (first.status !== 200 || etag === null || body !== computed)
        throw new Error(`aggregate: ${first.status}, ETag ${etag}, bodies ${body === computed ? 'equal' : 'differ'}`);
      const sides = [
        { name: 'computed', url: `${computing.url}${AGGREGATE}`, headers: {} as Record<string, string>, status: 200 },
        { name: 'cached', url: `${caching.url}${AGGREGATE}`, headers: {}, status: 200 },
        { name: '304', url: `${caching.url}${AGGREGATE}`, headers: { 'if-none-match': etag }, status: 304 },
      ];
      const results = new Map<string, LoadResult[]>(sides.map((s) => [s.name, []]));
      for (let round = 0; round <= ROUNDS; round++) {
        const line: string[] = [];
        for (const side of round % 2 === 0 ? sides : [...sides].reverse()) {
          const result = await load.load({
            url: side.url,
            headers: side.headers,
            connections: CONNECTIONS,
            duration: round === 0 ? 2 : SECONDS,
          });
          expectStatus(side.name, result, side.status);
          if (round > 0) results.get(side.name)!.push(result);
          line.push(`${side.name} p50 ${result.p50.toFixed(2)} ms (${result.requests} req)`);
        }
        log(`${round === 0 ? 'warm-up' : `round ${round}/${ROUNDS}`}: ${line.join(', ')}`);
      }
      const p50 = (name: string) => median(results.get(name)!.map((r) => r.p50));
      const p50s = (name: string) =>
        spread(
          results.get(name)!.map((r) => r.p50),
          2,
        );
      const base = p50('computed');
      const note = (name: string) =>
        `p50 ${p50(name).toFixed(2)} ms (rounds ${p50s(name)}) vs computed ${base.toFixed(1)} ms (rounds ${p50s('computed')}); ` +
        `${CONNECTIONS} connections × ${SECONDS} s × ${ROUNDS} rounds, ${body.length} B body`;
      return [
        {
          name: 'rest_cache_latency_reduction',
          value: 1 - p50('cached') / base,
          unit: 'ratio',
          bound: { min: 0.85 },
          note: `in-process cache: ${note('cached')}`,
        },
        {
          name: 'rest_304_latency_reduction',
          value: 1 - p50('304') / base,
          unit: 'ratio',
          bound: { min: 0.85 },
          note: `If-None-Match → 304: ${note('304')}`,
        },
        {
          name: 'rest_computed_p50_ms',
          value: base,
          unit: 'ms',
          note: 'the aggregate computed on every request (cacheBytes 0)',
        },
      ] satisfies BenchResult[];
    } finally {
      await load.close();
      await served.close();
    }
  },
};
