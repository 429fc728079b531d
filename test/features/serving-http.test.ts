/**
 * Online serving through a real listening server and fetch (undici): Strata's JSON and
 * Feast's (checked field by field against Feast's documented example), statuses,
 * on-demand features, batches, typed 400s naming the row, pushes to the online store
 * and the source table, and grants by source table.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeatureServer, openOnlineStore } from '../../src/index.js';
import { startTestApi, type TestApi } from '../api/helpers/api-harness.js';
import { codes, gql } from '../api/helpers/graphql-client.js';
import { DEFINITIONS, DOCUMENTED, writeServingRows } from './helpers/serving-fixture.js';

const FIXTURE = JSON.parse(
  readFileSync(
    path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/feast-get-online-features.json'),
    'utf8',
  ),
) as {
  request: unknown;
  response: {
    metadata: { feature_names: string[] };
    results: { values: unknown[]; statuses: string[]; event_timestamps: string[] }[];
  };
};

type Online = {
  rows: number;
  joinKeys: { name: string; values: unknown[] }[];
  features: {
    name: string;
    ref: string;
    type: string;
    values: unknown[];
    statuses: string[];
    eventTimestamps: (string | null)[];
  }[];
};

describe('online serving over HTTP', () => {
  let api: TestApi;
  let dir: string;
  let features: FeatureServer;
  const post = (route: string, body: unknown, token?: string) =>
    api.fetch(route, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      ...(token === undefined ? {} : { token }),
    });
  const online = async (body: unknown, token?: string) => {
    const response = await post('/v1/features/online', body, token);
    expect(response.status, await response.clone().text()).toBe(200);
    return (await response.json()) as Online;
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'strata-serving-'));
    features = new FeatureServer(DEFINITIONS, openOnlineStore(path.join(dir, 'online')));
    await writeServingRows(features.store, Date.now());
    api = await startTestApi({ server: { features } });
    await api.sql(`
      CREATE TABLE driver_stats (driver_id BIGINT, event_ts TIMESTAMP, created_ts TIMESTAMP, conv_rate DOUBLE, acc_rate DOUBLE, avg_daily_trips BIGINT);
      CREATE TABLE rider_stats (rider_id VARCHAR, event_ts TIMESTAMP, rating DOUBLE, tier VARCHAR);
    `);
  });
  afterAll(async () => {
    await api?.close();
    await features?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers Feast's documented request with Feast's documented response, field by field", async () => {
    const response = await post('/get-online-features', FIXTURE.request);
    expect(response.status).toBe(200);
    const body = (await response.json()) as typeof FIXTURE.response;
    expect(Object.keys(body).sort()).toEqual(['metadata', 'results']);
    expect(Object.keys(body.metadata)).toEqual(['feature_names']);
    const documented = FIXTURE.response;
    // The same names; ours keep the request's order (the documented example is not in it).
    expect([...body.metadata.feature_names].sort()).toEqual([...documented.metadata.feature_names].sort());
    expect(body.metadata.feature_names[0]).toBe('driver_id');
    expect(body.results).toHaveLength(documented.metadata.feature_names.length);
    for (const result of body.results)
      expect(Object.keys(result).sort()).toEqual(['event_timestamps', 'statuses', 'values']);
    documented.metadata.feature_names.forEach((name, f) => {
      const ours = body.results[body.metadata.feature_names.indexOf(name)]!;
      documented.results.forEach((row, r) => {
        expect(ours.values[r], `${name} row ${r}`).toBe(row.values[f]);
        expect(ours.statuses[r], `${name} row ${r}`).toBe(row.statuses[f]);
        expect(ours.event_timestamps[r], `${name} row ${r}`).toBe(row.event_timestamps[f]);
      });
    });
  });

  it("takes Feast's request as curl -d and requests' data= send it: a form content type, or none", async () => {
    const body = JSON.stringify(FIXTURE.request);
    const form = await api.fetch('/get-online-features', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    expect(form.status, await form.clone().text()).toBe(200);
    const plain = await api.fetch('/get-online-features', { method: 'POST', body: new Blob([body]) });
    expect(plain.status, await plain.clone().text()).toBe(200);
    expect(await plain.json()).toEqual(await form.json());
    const broken = await api.fetch('/get-online-features', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'features=a',
    });
    expect(broken.status).toBe(400);
  });

  it('serves a feature service by name, with full feature names, in Feast JSON', async () => {
    const response = await post('/get-online-features', {
      feature_service: 'driver_activity',
      entities: { driver_id: [1003, 9999], val_to_add: [1, 2] },
      full_feature_names: true,
    });
    const body = (await response.json()) as typeof FIXTURE.response;
    expect(body.metadata.feature_names).toEqual([
      'driver_id',
      'driver_hourly_stats__conv_rate',
      'driver_hourly_stats__avg_daily_trips',
      'adjusted__conv_plus',
      'adjusted__trips_bucket',
    ]);
    expect(body.results.map((r) => r.values)).toEqual([
      [1003, 9999],
      [0.9665873050689697, null],
      [779, null],
      [1.9665873050689697, null],
      ['high', null],
    ]);
    expect(body.results[1]!.statuses).toEqual(['PRESENT', 'NOT_FOUND']);
    expect(body.results[1]!.event_timestamps).toEqual(['2021-12-31T23:00:00Z', '1970-01-01T00:00:00Z']);
    expect(body.results[4]!.statuses).toEqual(['PRESENT', 'NULL_VALUE']);
  });

  it("gives Strata's JSON: statuses, TTL, nulls and on-demand features", async () => {
    const drivers = await online({
      features: ['driver_hourly_stats:conv_rate', 'adjusted:conv_plus'],
      entities: [{ driver_id: 1001, val_to_add: 10 }, { driver_id: 1004 }, { driver_id: '1002' }],
    });
    expect(drivers.rows).toBe(3);
    expect(drivers.joinKeys).toEqual([{ name: 'driver_id', values: [1001, 1004, 1002] }]);
    expect(drivers.features.map((f) => [f.name, f.ref, f.type])).toEqual([
      ['conv_rate', 'driver_hourly_stats:conv_rate', 'float64'],
      ['conv_plus', 'adjusted:conv_plus', 'float64'],
    ]);
    expect(drivers.features[0]).toMatchObject({
      values: [0.7037263512611389, null, 0.038169607520103455],
      statuses: ['PRESENT', 'NULL_VALUE', 'PRESENT'],
      eventTimestamps: ['2021-12-31T23:00:00Z', '2021-12-31T23:00:00Z', '2021-12-31T23:00:00Z'],
    });
    expect(drivers.features[1]).toMatchObject({
      values: [10.703726351261139, null, 0.038169607520103455],
      statuses: ['PRESENT', 'NULL_VALUE', 'PRESENT'],
      eventTimestamps: [null, null, null],
    });
    const riders = await online({
      features: ['rider_stats'],
      entities: [{ rider_id: 'fresh' }, { rider_id: 'stale' }],
    });
    expect(riders.features.map((f) => [f.name, f.values, f.statuses])).toEqual([
      ['rating', [4.5, null], ['PRESENT', 'OUTSIDE_MAX_AGE']],
      ['tier', ['gold', null], ['PRESENT', 'OUTSIDE_MAX_AGE']],
    ]);
  });

  it('serves a batch of many entities in request order', async () => {
    const ids = Array.from({ length: 500 }, (_, i) => [1001, 1002, 1003, 5000 + i][i % 4]!);
    const body = await online({
      features: ['driver_hourly_stats:avg_daily_trips'],
      entities: ids.map((driver_id) => ({ driver_id })),
    });
    const trips = new Map(DOCUMENTED.map((d) => [d.driver_id, d.avg_daily_trips]));
    expect(body.features[0]!.values).toEqual(ids.map((id) => trips.get(id) ?? null));
    expect(body.features[0]!.statuses.filter((s) => s === 'NOT_FOUND')).toHaveLength(125);
  });

  it('refuses an entity row with a wrong key type or no key with a 400 naming the row', async () => {
    for (const [entities, message] of [
      [
        [{ driver_id: 1001 }, { driver_id: 1002 }, { driver_id: 'abc' }],
        /Entity row 2: join key driver_id is "abc" \(a string\), but driver_id is int64/,
      ],
      [[{ driver_id: 1001 }, { driver: 1002 }], /Entity row 1 has no value for join key driver_id/],
      [[{ driver_id: 1.5 }], /Entity row 0: join key driver_id is 1.5 \(a number\)/],
    ] as const) {
      const response = await post('/v1/features/online', { features: ['driver_hourly_stats:conv_rate'], entities });
      expect(response.status).toBe(400);
      const body = (await response.json()) as { code: string; message: string; details: { row: number } };
      expect(body.code).toBe('FEATURE_SERVING_REQUEST');
      expect(body.message).toMatch(message);
    }
    const feast = await post('/get-online-features', {
      features: ['driver_hourly_stats:conv_rate'],
      entities: { driver_id: [1, 'x'] },
    });
    expect(feast.status).toBe(400);
    expect(((await feast.json()) as { details: { row: number } }).details.row).toBe(1);
    const bad = await post('/v1/features/online', {
      features: ['adjusted:conv_plus'],
      entities: [{ driver_id: 1, val_to_add: 'two' }],
    });
    expect(((await bad.json()) as { message: string }).message).toMatch(
      /Entity row 0: request data val_to_add is "two"/,
    );
    const unknown = await post('/v1/features/online', { features: ['nope:x'], entities: [{ driver_id: 1 }] });
    expect(unknown.status).toBe(400);
  });

  it('pushes rows to the online store and the source table', async () => {
    const rows = [
      { driver_id: 2001, event_ts: '2026-01-02T03:04:05Z', conv_rate: 0.25, acc_rate: 0.5, avg_daily_trips: 12 },
    ];
    const refused = await post(
      '/v1/features/push',
      { view: 'driver_hourly_stats', rows, to: 'both' },
      api.tokens.reader,
    );
    expect(refused.status).toBe(403);
    const response = await post(
      '/v1/features/push',
      { view: 'driver_hourly_stats', rows, to: 'both' },
      api.tokens.writer,
    );
    expect(response.status, await response.clone().text()).toBe(200);
    const pushed = (await response.json()) as {
      rows: number;
      online: unknown;
      offline: { table: string; version: number };
    };
    expect(pushed).toMatchObject({
      rows: 1,
      online: { written: 1, skipped: 0 },
      offline: { table: 'main.driver_stats' },
    });
    const served = await online({ features: ['driver_hourly_stats'], entities: [{ driver_id: 2001 }] });
    expect(served.features.map((f) => [f.name, f.values[0], f.eventTimestamps[0]])).toEqual([
      ['conv_rate', 0.25, '2026-01-02T03:04:05Z'],
      ['acc_rate', 0.5, '2026-01-02T03:04:05Z'],
      ['avg_daily_trips', 12, '2026-01-02T03:04:05Z'],
    ]);
    const sql = await post('/v1/sql', {
      sql: 'SELECT count(*)::INTEGER AS n, count(created_ts)::INTEGER AS stamped FROM driver_stats WHERE driver_id = 2001',
    });
    expect(((await sql.json()) as { rows: unknown[] }).rows).toEqual([{ n: 1, stamped: 1 }]);
    // An older row for the same driver is not newer: the online store keeps the newer one.
    const older = await post(
      '/v1/features/push',
      { view: 'driver_hourly_stats', rows: [{ ...rows[0], event_ts: '2025-01-01T00:00:00Z', conv_rate: 0.9 }] },
      api.tokens.writer,
    );
    expect(((await older.json()) as { online: unknown }).online).toEqual({ written: 0, skipped: 1 });
    const bad = await post(
      '/v1/features/push',
      { view: 'driver_hourly_stats', rows: [{ driver_id: 1, conv_rate: 1 }] },
      api.tokens.writer,
    );
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toMatch(/Row 0 has no event_ts/);
  });

  it('serves the same through GraphQL, under the same grants', async () => {
    const query = `query ($entities: [JSON!]!) {
      online_features(service: "driver_activity", entities: $entities) {
        rows join_keys { name values } features { name ref type values statuses event_timestamps }
      }
    }`;
    const answer = await gql(api, query, {
      variables: { entities: [{ driver_id: 1003, val_to_add: 1 }, { driver_id: 7 }] },
    });
    expect(answer.errors).toBeUndefined();
    const result = answer.data!.online_features as { rows: number; features: Record<string, unknown>[] };
    expect(result.rows).toBe(2);
    expect(result.features.map((f) => [f.name, f.values, f.statuses])).toEqual([
      ['conv_rate', [0.9665873050689697, null], ['PRESENT', 'NOT_FOUND']],
      ['avg_daily_trips', [779, null], ['PRESENT', 'NOT_FOUND']],
      ['conv_plus', [1.9665873050689697, null], ['PRESENT', 'NULL_VALUE']],
      ['trips_bucket', ['high', null], ['PRESENT', 'NULL_VALUE']],
    ]);
    expect(result.features[0]!.event_timestamps).toEqual(['2021-12-31T23:00:00Z', null]);
    const bad = await gql(api, query, { variables: { entities: [{ driver_id: 'x' }] } });
    expect(codes(bad)).toEqual(['FEATURE_SERVING_REQUEST']);
    const reader = await api.token('reader', [{ table: 'rider_stats' }]);
    const hidden = await gql(api, query, { token: reader, variables: { entities: [{ driver_id: 1003 }] } });
    expect(codes(hidden)).toEqual(['FEATURE_NOT_FOUND']);
  });

  it('applies grants by source table: invisible without one, columns hidden, row filters refused', async () => {
    const reader = await api.token('reader', [{ table: 'rider_stats' }]);
    const riders = await online({ features: ['rider_stats:rating'], entities: [{ rider_id: 'fresh' }] }, reader);
    expect(riders.features[0]!.values).toEqual([4.5]);
    const hidden = await post(
      '/v1/features/online',
      { features: ['driver_hourly_stats:conv_rate'], entities: [{ driver_id: 1001 }] },
      reader,
    );
    expect(hidden.status).toBe(404);
    expect(((await hidden.json()) as { code: string }).code).toBe('FEATURE_NOT_FOUND');
    // On-demand features read their inputs' views: the same grants apply to them.
    const derived = await post(
      '/get-online-features',
      { features: ['adjusted:conv_plus'], entities: { driver_id: [1001] } },
      reader,
    );
    expect(derived.status).toBe(404);

    await api.token('reader', [{ table: 'rider_stats', columns: ['rider_id', 'event_ts', 'rating'] }]);
    expect((await online({ features: ['rider_stats:rating'], entities: [{ rider_id: 'fresh' }] }, reader)).rows).toBe(
      1,
    );
    const column = await post(
      '/v1/features/online',
      { features: ['rider_stats:tier'], entities: [{ rider_id: 'fresh' }] },
      reader,
    );
    expect(column.status).toBe(404);

    await api.token('reader', [{ table: 'rider_stats', rowFilter: "tier = 'gold'" }]);
    const filtered = await post(
      '/v1/features/online',
      { features: ['rider_stats:rating'], entities: [{ rider_id: 'fresh' }] },
      reader,
    );
    expect(filtered.status).toBe(403);
  });
});
