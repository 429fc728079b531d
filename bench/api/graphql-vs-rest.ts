/**
 * graphql_vs_rest_ratio: requests/s of one table query through GraphQL ÷ through REST
 * (100 rows of the 100k-row main.t with region EU, id and amount, by id), autocannon
 * from a client process, same connections and duration, alternating rounds. Measured
 * on a server as configured by default (both paths answer from the response cache:
 * the query's tables are unchanged) and on one with `cacheBytes: 0` (both run DuckDB).
 */
import { median, spread, type BenchResult, type Scenario } from '../harness.js';
import { apiWarehouse, Served } from './api-warehouse.js';
import { expectStatus, LoadClient } from './load-client.js';

const REST = '/v1/tables/main.t/rows?region=eq.EU&limit=100&select=id,amount&order=id.asc';
const GRAPHQL = JSON.stringify({
  query: '{ t(where: {region: {_eq: "EU"}}, order_by: [{id: asc}], limit: 100) { id amount } }',
});
const CONNECTIONS = 10;
const SECONDS = 3;
const ROUNDS = 3;

export const graphqlVsRest: Scenario = {
  name: 'graphql_vs_rest_ratio',
  description: `requests/s GraphQL ÷ REST for 100 rows of a 100k-row table, autocannon ${CONNECTIONS} connections × ${SECONDS} s, ${ROUNDS} alternating rounds, cache on and off`,
  async run({ workDir, log }) {
    const served = await Served.open(await apiWarehouse(workDir, log));
    const load = await LoadClient.start();
    const results: BenchResult[] = [];
    try {
      for (const [label, options] of [
        ['cached', {}],
        ['uncached', { cacheBytes: 0 }],
      ] as const) {
        const server = await served.start(options);
        const rest = (await (await fetch(`${server.url}${REST}`)).json()) as unknown[];
        const graphql = (await (
          await fetch(`${server.url}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: GRAPHQL,
          })
        ).json()) as { data?: { t?: unknown[] } };
        if (rest.length !== 100 || JSON.stringify(graphql.data?.t) !== JSON.stringify(rest))
          throw new Error(
            `REST and GraphQL answers differ: ${JSON.stringify(rest).slice(0, 200)} vs ${JSON.stringify(graphql).slice(0, 200)}`,
          );
        const sides = [
          { name: 'rest', job: { url: `${server.url}${REST}` } },
          {
            name: 'graphql',
            job: {
              url: `${server.url}/graphql`,
              method: 'POST' as const,
              headers: { 'content-type': 'application/json' },
              body: GRAPHQL,
            },
          },
        ];
        const rps = new Map<string, number[]>(sides.map((s) => [s.name, []]));
        for (let round = 0; round <= ROUNDS; round++) {
          const line: string[] = [];
          for (const side of round % 2 === 0 ? sides : [...sides].reverse()) {
            const result = await load.load({
              ...side.job,
              connections: CONNECTIONS,
              duration: round === 0 ? 2 : SECONDS,
            });
            expectStatus(`${label} ${side.name}`, result, 200);
            if (round > 0) rps.get(side.name)!.push(result.rps);
            line.push(`${side.name} ${result.rps.toFixed(0)} req/s (p50 ${result.p50.toFixed(2)} ms)`);
          }
          log(`${label} ${round === 0 ? 'warm-up' : `round ${round}/${ROUNDS}`}: ${line.join(', ')}`);
        }
        const g = median(rps.get('graphql')!);
        const r = median(rps.get('rest')!);
        results.push({
          name: label === 'cached' ? 'graphql_vs_rest_ratio' : 'graphql_vs_rest_ratio_uncached',
          value: g / r,
          unit: 'ratio',
          note: `${label === 'cached' ? 'default server (response cache on)' : 'cacheBytes 0 (every request runs DuckDB)'}: GraphQL ${g.toFixed(0)} req/s (rounds ${spread(rps.get('graphql')!)}) / REST ${r.toFixed(0)} req/s (rounds ${spread(rps.get('rest')!)}); ${CONNECTIONS} connections × ${SECONDS} s × ${ROUNDS} rounds`,
        });
      }
      return results;
    } finally {
      await load.close();
      await served.close();
    }
  },
};
