/**
 * Point-in-time training sets against a brute-force reference: for each entity row, every
 * candidate source row is filtered and ranked in plain JavaScript (no SQL shared with the
 * implementation). Seeded randomized data with late corrections (same event time, newer
 * created time), duplicate entity rows, equal timestamps, TTL edges and nulls; replay a
 * failure with FEATURE_SEED=<seed>. Then rebuilds after the sources moved on, and after
 * VACUUM took a pinned version away.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Catalog, initWarehouse } from '../../src/catalog/index.js';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fromRows, vacuum, withConnection } from '../../src/lake/index.js';
import {
  FeatureRegistry,
  MANIFEST_PROPERTY,
  defineEntity,
  defineFeatureView,
  definitionSet,
  getTrainingSet,
  isStrataError,
  readManifest,
  rebuildTrainingSet,
  tableSource,
} from '../../src/index.js';
import { describeBackends, type BackendSetup } from '../meta/helpers/backends.js';
import { seedFrom, seededRandom } from '../support/random.js';

const HOUR = 3_600_000;
const BASE = Date.parse('2026-03-01T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

type StatRow = {
  driver_id: number | null;
  event_ts: string | null;
  created_ts: string | null;
  trips: number | null;
  rating: number | null;
};
type PingRow = {
  driver_id: number;
  event_ts: string;
  speed: number | null;
};
type EntityRow = {
  driver_id: number | null;
  event_timestamp: string;
  label: number;
};

const driver = defineEntity({ name: 'driver', joinKeys: { driver_id: 'int64' } });
const stats = defineFeatureView({
  name: 'stats',
  entities: [driver],
  source: tableSource('driver_stats'),
  eventTime: 'event_ts',
  createdTime: 'created_ts',
  ttl: '6h',
  features: { trips: 'int64', rating: 'float64' },
});
const pings = defineFeatureView({
  name: 'pings',
  entities: [driver],
  source: tableSource('driver_pings'),
  eventTime: 'event_ts',
  ttl: '2h',
  features: { speed: 'float64' },
});

function randomData(seed: number) {
  const random = seededRandom(seed);
  const int = (n: number) => Math.floor(random() * n);
  const hour = () => BASE + int(24) * HOUR;
  const statRows: StatRow[] = [];
  for (let i = 0; i < 120; i++) {
    const event = hour();
    const created = event + int(4) * HOUR;
    const row: StatRow = {
      driver_id: random() < 0.03 ? null : 1 + int(6),
      event_ts: random() < 0.02 ? null : iso(event),
      created_ts: random() < 0.05 ? null : iso(created),
      trips: random() < 0.1 ? null : int(5),
      rating: random() < 0.1 ? null : int(10) / 2,
    };
    statRows.push(row);
    // A late correction: same key and event time, created later, other values.
    if (random() < 0.3 && row.event_ts !== null)
      statRows.push({ ...row, created_ts: iso(created + (1 + int(5)) * HOUR), trips: int(5), rating: int(10) / 2 });
    // An exact duplicate of key, event and created time (the tie rule decides).
    if (random() < 0.1) statRows.push({ ...row, trips: int(5) });
  }
  const pingRows: PingRow[] = [];
  for (let i = 0; i < 80; i++)
    pingRows.push({ driver_id: 1 + int(6), event_ts: iso(hour()), speed: random() < 0.1 ? null : int(100) });
  const entityRows: EntityRow[] = [];
  for (let i = 0; i < 150; i++) {
    const previous = entityRows[int(Math.max(entityRows.length, 1))];
    if (previous && random() < 0.15)
      entityRows.push({ ...previous, label: i }); // a duplicate row
    else if (random() < 0.1 && statRows[i]?.event_ts) {
      // TTL edges: exactly 6 h after an event (inside), and a millisecond past it (outside).
      const edge = Date.parse(statRows[i]!.event_ts!) + 6 * HOUR + (random() < 0.5 ? 0 : 1);
      entityRows.push({ driver_id: statRows[i]!.driver_id, event_timestamp: iso(edge), label: i });
    } else
      entityRows.push({
        driver_id: random() < 0.03 ? null : 1 + int(7),
        event_timestamp: iso(BASE + int(30) * HOUR + (random() < 0.3 ? 0 : int(60) * 60_000)),
        label: i,
      });
  }
  return { statRows, pingRows, entityRows };
}

/** The reference: for one entity row, every candidate row filtered and ranked by the documented rule. */
function expected(
  data: ReturnType<typeof randomData>,
  row: EntityRow,
  bitemporal: boolean,
  ttl: { stats: number; pings: number } = { stats: 6 * HOUR, pings: 2 * HOUR },
): { trips: unknown; rating: unknown; speed: unknown } {
  const t = Date.parse(row.event_timestamp);
  const desc = (a: number | null, b: number | null) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : b - a);
  const stat = data.statRows
    .filter((s) => s.driver_id !== null && s.driver_id === row.driver_id && s.event_ts !== null)
    .map((s) => ({ ...s, et: Date.parse(s.event_ts!), ct: Date.parse(s.created_ts ?? s.event_ts!) }))
    .filter((s) => s.et <= t && s.et >= t - ttl.stats && (!bitemporal || s.ct <= t))
    .sort((a, b) => b.et - a.et || b.ct - a.ct || desc(a.trips, b.trips) || desc(a.rating, b.rating))[0];
  const ping = data.pingRows
    .filter((p) => p.driver_id === row.driver_id)
    .map((p) => ({ ...p, et: Date.parse(p.event_ts) }))
    .filter((p) => p.et <= t && (ttl.pings === 0 || p.et >= t - ttl.pings))
    .sort((a, b) => b.et - a.et || desc(a.speed, b.speed))[0];
  return { trips: stat?.trips ?? null, rating: stat?.rating ?? null, speed: ping?.speed ?? null };
}

describeBackends('training sets', (backend) => {
  let setup: BackendSetup;
  let catalog: Catalog;
  let registry: FeatureRegistry;
  const seed = seedFrom('FEATURE_SEED');
  const data = randomData(seed);
  const read = async (name: string) =>
    (await catalog.openTable(name)).rows({ orderBy: '__row_index' }) as Promise<Record<string, unknown>[]>;
  const normalized = (rows: Record<string, unknown>[]) =>
    rows.map((r) => ({
      __row_index: Number(r.__row_index),
      label: Number(r.label),
      driver_id: r.driver_id === null ? null : Number(r.driver_id),
      trips: r.trips === null ? null : Number(r.trips),
      rating: r.rating,
      speed: r.speed,
    }));

  beforeAll(async () => {
    console.log(`training-set seed: ${seed} (replay with FEATURE_SEED=${seed})`);
    setup = await backend.create();
    await initWarehouse(setup.warehouse, { env: setup.env });
    catalog = await Catalog.open({ warehouse: setup.warehouse, env: setup.env });
    // Typed by a first row's SQL types: timestamps as TIMESTAMPTZ, ids as BIGINT.
    await catalog.createTable('driver_stats', {
      data: fromRows(data.statRows.map((r) => ({ ...r, rating: r.rating === null ? null : r.rating + 0.25 - 0.25 }))),
    });
    await catalog.createTable('driver_pings', { data: fromRows(data.pingRows) });
    registry = await FeatureRegistry.over(catalog);
    await registry.apply(definitionSet([driver, stats, pings]));
  });
  afterAll(async () => {
    await registry?.close();
    await catalog?.close();
    await setup?.dispose();
  });

  for (const mode of ['bitemporal', 'eventTime'] as const)
    it(`matches the brute-force reference row for row, in input order (${mode})`, async () => {
      const result = await getTrainingSet(registry, {
        features: ['stats', 'pings:speed'],
        entities: { kind: 'rows', rows: data.entityRows },
        output: `ts_${mode}`,
        pointInTime: mode,
      });
      expect(result.rows).toBe(data.entityRows.length);
      const rows = normalized(await read(`ts_${mode}`));
      const want = data.entityRows.map((row, i) => ({
        __row_index: i,
        label: row.label,
        driver_id: row.driver_id,
        ...expected(data, row, mode === 'bitemporal'),
      }));
      expect(rows).toEqual(want);
      // The data must exercise what the test claims: corrections that change answers, and TTL misses.
      const other = data.entityRows.map((row) => expected(data, row, mode !== 'bitemporal'));
      expect(other.some((o, i) => o.trips !== want[i]!.trips || o.rating !== want[i]!.rating)).toBe(true);
    });

  it('reads views with the TTLs a request gives, per view or none', async () => {
    await getTrainingSet(registry, {
      features: ['stats', 'pings:speed'],
      entities: { kind: 'rows', rows: data.entityRows },
      output: 'ts_ttl',
      ttl: { stats: '1h', pings: 0 },
    });
    const want = data.entityRows.map((row) => expected(data, row, true, { stats: HOUR, pings: 0 }));
    const rows = normalized(await read('ts_ttl')).map(({ trips, rating, speed }) => ({ trips, rating, speed }));
    expect(rows).toEqual(want);
    const defaults = data.entityRows.map((row) => expected(data, row, true));
    expect(want.some((w, i) => w.speed !== defaults[i]!.speed)).toBe(true);
    expect(want.some((w, i) => w.trips !== defaults[i]!.trips)).toBe(true);
  });

  it('records the versions it read, the definitions and the request, and rebuilds exactly after the sources moved on', async () => {
    await getTrainingSet(registry, {
      features: ['stats:trips', 'stats:rating', 'pings:speed'],
      entities: { kind: 'rows', rows: data.entityRows },
      output: 'ts_pinned',
    });
    const table = await catalog.openTable('ts_pinned');
    const manifest = readManifest(table.snapshot.configuration, 'ts_pinned');
    expect(manifest.sources.map((s) => [s.view, s.table, s.version])).toEqual([
      ['stats', 'main.driver_stats', 0],
      ['pings', 'main.driver_pings', 0],
    ]);
    expect(manifest.definitions.map((d) => [d.kind, d.name, d.version])).toEqual([
      ['entity', 'driver', 1],
      ['featureView', 'pings', 1],
      ['featureView', 'stats', 1],
    ]);
    expect(manifest.request).toMatchObject({ entities: { kind: 'rows', count: 150 }, pointInTime: 'bitemporal' });
    expect(table.snapshot.configuration[MANIFEST_PROPERTY]).toBeDefined();
    const before = await read('ts_pinned');

    // The sources move on: corrections created long ago (so they would change the answer) and new rows.
    const stats = await catalog.openTable('driver_stats');
    await stats.append(
      fromRows(
        data.statRows
          .filter((r) => r.driver_id !== null && r.event_ts !== null)
          .map((r) => ({ ...r, created_ts: r.event_ts, trips: 99, rating: 9.5 })),
      ),
    );
    await (await catalog.openTable('driver_pings')).delete('speed > 50');
    const fresh = await getTrainingSet(registry, {
      features: ['stats:trips', 'stats:rating', 'pings:speed'],
      entities: { kind: 'rows', rows: data.entityRows },
      output: 'ts_fresh',
    });
    expect(fresh.manifest.sources.map((s) => s.version)).toEqual([1, 1]);
    expect(await read('ts_fresh')).not.toEqual(before);

    const rebuilt = await rebuildTrainingSet(registry, 'ts_pinned', 'ts_rebuilt');
    expect(rebuilt.manifest.sources).toEqual(manifest.sources);
    expect(rebuilt.manifest.rebuiltFrom).toEqual({ table: 'main.ts_pinned', version: 0 });
    expect(await read('ts_rebuilt')).toEqual(before);
  });

  it('takes entity rows from a table (pinned for rebuilds) and from a Parquet file, in their order', async () => {
    const rows = data.entityRows.slice(0, 40).reverse();
    await catalog.createTable('entity_rows', { data: fromRows(rows) });
    const fromTable = await getTrainingSet(registry, {
      features: ['stats:trips'],
      entities: { kind: 'table', table: 'entity_rows' },
      output: 'ts_from_table',
    });
    expect(fromTable.manifest.sources.at(-1)).toMatchObject({ table: 'main.entity_rows', version: 0 });
    const labels = (await read('ts_from_table')).map((r) => Number(r.label));
    expect(labels).toEqual(rows.map((r) => r.label));
    await (await catalog.openTable('entity_rows')).append(fromRows(rows.slice(0, 5)));
    await rebuildTrainingSet(registry, 'ts_from_table', 'ts_from_table_again');
    expect(await read('ts_from_table_again')).toEqual(await read('ts_from_table'));

    const file = path.join(setup.warehouse, 'entities.parquet');
    writeFileSync(path.join(setup.warehouse, 'rows.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n'));
    await withConnection((c) =>
      c.run(`COPY (SELECT * FROM read_json('${path.join(setup.warehouse, 'rows.jsonl')}')) TO '${file}'`),
    );
    await getTrainingSet(registry, {
      features: ['stats:trips'],
      entities: { kind: 'file', path: file },
      output: 'ts_from_file',
    });
    const fileRows = await read('ts_from_file');
    expect(fileRows.map((r) => Number(r.label))).toEqual(rows.map((r) => r.label));
    expect(fileRows.map((r) => r.trips)).toEqual((await read('ts_from_table')).map((r) => r.trips));
  });

  it('refuses entity rows without a timestamp or with a key of the wrong type, naming the row', async () => {
    const rows = data.entityRows.slice(0, 5).map((r) => ({ ...r }));
    const missing = await getTrainingSet(registry, {
      features: ['stats:trips'],
      entities: { kind: 'rows', rows: rows.map((r, i) => (i === 3 ? { ...r, event_timestamp: null } : r)) },
      output: 'ts_bad1',
    }).catch((e: unknown) => e);
    expect(isStrataError(missing, 'FEATURE_ENTITY_ROWS')).toBe(true);
    expect((missing as Error).message).toMatch(/Entity row 3 \(counting from 0\) has no event_timestamp/);
    const wrongType = await getTrainingSet(registry, {
      features: ['stats:trips'],
      entities: { kind: 'rows', rows: rows.map((r, i) => (i === 2 ? { ...r, driver_id: 'abc' } : r)) },
      output: 'ts_bad2',
    }).catch((e: unknown) => e);
    expect(isStrataError(wrongType, 'FEATURE_ENTITY_ROWS')).toBe(true);
    expect((wrongType as Error).message).toMatch(
      /Entity row 2 \(counting from 0\) has driver_id = "abc", which is not int64/,
    );
    expect(await catalog.findTable('ts_bad1')).toBeUndefined();
    // Past DuckDB's default type-inference sample: still a typed error naming the row.
    const many = Array.from({ length: 30_000 }, (_, i) => ({ ...rows[0]!, driver_id: i === 29_999 ? 'x1' : i }));
    const late = await getTrainingSet(registry, {
      features: ['stats:trips'],
      entities: { kind: 'rows', rows: many },
      output: 'ts_bad4',
    }).catch((e: unknown) => e);
    expect((late as Error).message).toMatch(
      /Entity row 29999 \(counting from 0\) has driver_id = "?x1"?, which is not int64/,
    );
    const noService = await getTrainingSet(registry, {
      service: 'nope',
      entities: { kind: 'rows', rows },
      output: 'ts_bad3',
    }).catch((e: unknown) => e);
    expect(isStrataError(noService, 'FEATURE_NOT_FOUND')).toBe(true);
  });

  it('fails a rebuild naming the version when VACUUM removed its files', async () => {
    await getTrainingSet(registry, {
      features: ['pings:speed'],
      entities: { kind: 'rows', rows: data.entityRows.slice(0, 10) },
      output: 'ts_vacuumed',
    });
    const pingsTable = await catalog.openTable('driver_pings');
    const pinned = pingsTable.version;
    await pingsTable.overwrite(fromRows(data.pingRows.slice(0, 3)));
    await vacuum((await catalog.openTable('driver_pings')).snapshot, { retentionHours: 0, force: true });
    const error = await rebuildTrainingSet(registry, 'ts_vacuumed', 'ts_vacuumed_again').catch((e: unknown) => e);
    expect(isStrataError(error, 'FEATURE_SOURCE_VERSION_GONE')).toBe(true);
    expect((error as Error).message).toContain(`main.driver_pings can no longer be read at version ${pinned}`);
  });
});
