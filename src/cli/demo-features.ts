/**
 * The demo's feature chapter, on the demo warehouse after its flights table is in the
 * catalog: daily delay aggregates per route and per origin airport (the flights file has
 * no carrier column, so the airport stands in for it) become two lake tables and two
 * feature views (defined in `features/flights.ts`, as a user would), applied; a
 * point-in-time training set for June flights; both views materialized into the embedded
 * online store, and one route read back online. Returns the lines the demo prints.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Catalog } from '../catalog/index.js';
import { bindDeltaSql } from '../engine/index.js';
import { fromSql, quoteLiteral, withConnection } from '../lake/index.js';

const DEFINITIONS = `import { defineEntity, defineFeatureView, tableSource } from 'strata/features';

export const route = defineEntity({ name: 'route', joinKeys: { origin: 'string', destination: 'string' } });
export const airport = defineEntity({ name: 'airport', joinKeys: { origin: 'string' } });

// A day's aggregates are known when the day is over: event time is the next midnight.
export const routeDelays = defineFeatureView({
  name: 'route_delays',
  entities: [route],
  source: tableSource('route_daily'),
  eventTime: 'event_ts',
  ttl: '7d',
  features: { flights: 'int64', avg_delay: 'float64', pct_late: 'float64' },
});
export const airportDelays = defineFeatureView({
  name: 'airport_delays',
  entities: [airport],
  source: tableSource('airport_daily'),
  eventTime: 'event_ts',
  ttl: '7d',
  features: { departures: 'int64', avg_delay: 'float64', pct_late: 'float64' },
});
`;

const daily = (table: string, keys: string, count: string) =>
  `SELECT ${keys}, CAST(date_trunc('day', date) + INTERVAL 1 DAY AS TIMESTAMP) AS event_ts, count(*)::BIGINT AS ${count},
     round(avg(delay), 2)::DOUBLE AS avg_delay, round(100 * avg((delay > 15)::INT), 2)::DOUBLE AS pct_late
   FROM ${table} GROUP BY ALL ORDER BY event_ts, ${keys}`;

export async function runFeatureChapter(warehouse: string, flightsTable: string): Promise<string[]> {
  const lines: string[] = [];
  const features = await import('../features/index.js');
  const catalog = await Catalog.open({ warehouse, env: {} });
  const registry = await features.FeatureRegistry.over(catalog);
  try {
    const flights = `delta_scan(${quoteLiteral((await catalog.getTable(flightsTable)).location)})`;
    await withConnection(async (connection) => {
      for (const [name, keys, count] of [
        ['route_daily', 'origin, destination', 'flights'],
        ['airport_daily', 'origin', 'departures'],
      ] as const) {
        const bound = await bindDeltaSql(connection, daily(flights, keys, count));
        try {
          await catalog.createTable(name, { data: fromSql(bound.sql), connection });
        } finally {
          await bound.release();
        }
      }
    });
    mkdirSync(path.join(warehouse, 'features'), { recursive: true });
    writeFileSync(path.join(warehouse, 'features', 'flights.ts'), DEFINITIONS);
    const applied = await registry.apply();
    lines.push(
      `Defined features in features/flights.ts and applied them (${applied.changes.map((c) => `${c.object} ${c.name}`).join(', ')}): daily delays per route (route_daily) and per origin airport (airport_daily)`,
    );

    const training = await features.getTrainingSet(registry, {
      features: ['route_delays', 'airport_delays'],
      entities: {
        kind: 'sql',
        sql: `SELECT origin, destination, date AS event_timestamp, (delay > 15)::INT AS late FROM ${flightsTable}
              WHERE month = '2001-06' ORDER BY hash(date, origin, destination, delay), date LIMIT 20000`,
      },
      output: 'flight_training',
      fullFeatureNames: true,
    });
    const pinned = training.manifest.sources.map((s) => `${s.table}@${s.version}`).join(', ');
    lines.push(
      `Built a point-in-time training set ${training.table.name}: ${training.rows.toLocaleString('en-US')} June flights, each with the route's and the airport's delays of the days before it (pinned ${pinned}; strata features rebuild reproduces it)`,
    );

    const store = features.openOnlineStore(features.resolveOnlineStoreUrl({ warehouse, env: {} }));
    try {
      const results = await features.materialize(registry, undefined, { store });
      lines.push(
        `Materialized into the online store (${store.name}): ${results.map((r) => `${r.view} ${r.written} keys at version ${r.toVersion}`).join(', ')}`,
      );
      const [[row]] = (await store.read([{ view: 'route_delays', keys: [{ origin: 'ATL', destination: 'ORD' }] }])) as [
        [{ eventTime: number; values: Record<string, unknown> } | undefined],
      ];
      if (row)
        lines.push(
          `Online, route ATL → ORD as of ${new Date(row.eventTime / 1000).toISOString().slice(0, 10)}: ${JSON.stringify(row.values)}`,
        );
    } finally {
      await store.close();
    }
    return lines;
  } finally {
    await registry.close();
    await catalog.close();
  }
}
