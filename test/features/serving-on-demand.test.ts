/**
 * On-demand features computed identically offline and online: a warehouse with its
 * features/ file applied, a server that opens its FeatureServer from the warehouse (the
 * default: applied definitions, functions from the file, the embedded store), rows pushed
 * to both the online store and the source table, then for seeded random entity rows
 * (with request data, unknown drivers and nulls) the training set's on-demand columns
 * equal the online answer value for value. Replay with STRATA_TEST_SEED=<seed>.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeatureRegistry, getTrainingSet, rebuildTrainingSet } from '../../src/index.js';
import { startTestApi, type TestApi } from '../api/helpers/api-harness.js';
import { seedFrom, seededRandom } from '../support/random.js';

const FEATURES = `
import { defineEntity, defineFeatureView, defineOnDemandFeature, defineFeatureService, tableSource } from 'strata/features';
export const driver = defineEntity({ name: 'driver', joinKeys: { driver_id: 'int64' } });
export const stats = defineFeatureView({
  name: 'driver_stats', entities: [driver], source: tableSource('driver_stats'),
  eventTime: 'event_ts', createdTime: 'created_ts',
  features: { conv_rate: 'float64', trips: 'int64', city: 'string' },
});
export const scored = defineOnDemandFeature({
  name: 'scored',
  requestData: { boost: 'float64' },
  inputs: ['driver_stats:conv_rate', 'driver_stats:trips'],
  features: { score: 'float64', busy: 'bool', label: 'string' },
  compute: (i) => ({
    score: i['driver_stats:conv_rate'] === null ? null : i['driver_stats:conv_rate'] * 10 + (i.boost ?? 0) / 3,
    busy: i['driver_stats:trips'] === null ? null : i['driver_stats:trips'] > 50,
    label: \`\${i['driver_stats:trips'] ?? 'none'}/\${i.boost ?? 'none'}\`,
  }),
});
export const ranker = defineFeatureService({ name: 'ranker', features: ['driver_stats:city', 'scored'] });
`;

describe('on-demand features offline and online', () => {
  let api: TestApi;
  let registry: FeatureRegistry;
  const seed = seedFrom('STRATA_TEST_SEED', 1313);
  const random = seededRandom(seed);
  const post = async (route: string, body: unknown) => {
    const response = await api.fetch(route, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status, await response.clone().text()).toBe(200);
    return (await response.json()) as Record<string, unknown>;
  };

  beforeAll(async () => {
    console.log(`on-demand parity seed ${seed} (STRATA_TEST_SEED=${seed} replays it)`);
    api = await startTestApi({ seed: false });
    await api.sql(
      'CREATE TABLE driver_stats (driver_id BIGINT, event_ts TIMESTAMP, created_ts TIMESTAMP, conv_rate DOUBLE, trips BIGINT, city VARCHAR)',
    );
    mkdirSync(path.join(api.warehouse, 'features'), { recursive: true });
    writeFileSync(path.join(api.warehouse, 'features', 'drivers.ts'), FEATURES);
    registry = await FeatureRegistry.over(api.catalog);
    await registry.apply();
  });
  afterAll(async () => {
    await registry?.close();
    await api?.close();
  });

  it('gives the same values in a training set as online, for the same inputs', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => ({
      driver_id: i,
      event_ts: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
      conv_rate: random() < 0.15 ? null : Math.round(random() * 1e6) / 1e6,
      trips: random() < 0.15 ? null : Math.floor(random() * 100),
      city: ['Oslo', 'Lima', 'Pune'][i % 3],
    }));
    await post('/v1/features/push', { view: 'driver_stats', rows, to: 'both' });
    const entities = Array.from({ length: 200 }, () => ({
      driver_id: Math.floor(random() * 45), // some unknown drivers
      boost: random() < 0.2 ? null : Math.round(random() * 100) / 4,
    }));

    const online = (await post('/v1/features/online', { service: 'ranker', entities })) as {
      features: { name: string; values: unknown[] }[];
    };
    const served = Object.fromEntries(online.features.map((f) => [f.name, f.values]));
    expect(Object.keys(served)).toEqual(['city', 'score', 'busy', 'label']);

    const now = new Date().toISOString();
    await getTrainingSet(registry, {
      service: 'ranker',
      entities: { kind: 'rows', rows: entities.map((e) => ({ ...e, event_timestamp: now })) },
      output: 'ranker_training',
    });
    const sql = (await post('/v1/sql', {
      sql: 'SELECT * FROM ranker_training ORDER BY __row_index',
    })) as { columns: { name: string }[]; rows: Record<string, unknown>[] };
    // Hidden inputs (conv_rate, trips were not asked for) do not stay in the result.
    expect(sql.columns.map((c) => c.name).sort()).toEqual([
      '__row_index',
      'boost',
      'busy',
      'city',
      'driver_id',
      'event_timestamp',
      'label',
      'score',
    ]);
    expect(sql.rows).toHaveLength(entities.length);
    for (const name of ['city', 'score', 'busy', 'label'])
      expect(
        sql.rows.map((r) => r[name]),
        name,
      ).toEqual(served[name]);
    expect(served.label!.filter((l) => l === 'none/none').length).toBeGreaterThan(0);

    // A rebuild reads the function from the file again and reproduces the rows.
    await rebuildTrainingSet(registry, 'ranker_training', 'ranker_rebuilt');
    const again = (await post('/v1/sql', { sql: 'SELECT * FROM ranker_rebuilt ORDER BY __row_index' })) as {
      rows: unknown[];
    };
    expect(again.rows).toEqual(sql.rows);
  });
});
