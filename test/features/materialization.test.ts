/**
 * Materialization into the online store, on every metadata backend (PGlite, PostgreSQL)
 * and every online store (embedded lmdb, Redis): a first run reads the whole source; later
 * runs read only the commits after the watermark, so late rows with old event times are
 * applied, corrections with newer created times replace values and older rows never
 * overwrite newer ones; the change data feed is used where the table records it; two
 * materializers at once both finish, one moving the watermark, nothing lost. Seeded:
 * replay with STRATA_TEST_SEED=<seed>.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Catalog, initWarehouse } from '../../src/catalog/index.js';
import { fromRows } from '../../src/lake/index.js';
import {
  FeatureRegistry,
  ReadKind,
  defineEntity,
  defineFeatureView,
  definitionSet,
  isStrataError,
  materializationHistory,
  materialize,
  sqlSource,
  tableSource,
  type MaterializeResult,
  type OnlineStore,
} from '../../src/index.js';
import { describeBackends, type BackendSetup } from '../meta/helpers/backends.js';
import { seedFrom } from '../support/random.js';
import { HOUR, newestByDriver, statRows, type StatRow } from './helpers/materialization-data.js';
import { STORE_KINDS, reportMissing, type StoreSetup } from './helpers/online-stores.js';

const DRIVERS = 40;
const driver = defineEntity({ name: 'driver', joinKeys: { driver_id: 'int64' } });
const view = (name: string, table: string) =>
  defineFeatureView({
    name,
    entities: [driver],
    source: tableSource(table),
    eventTime: 'event_ts',
    createdTime: 'created_ts',
    features: { trips: 'int64', rating: 'float64' },
  });

describeBackends('materialization', (backend) => {
  describe.each(STORE_KINDS)('into $name', (kind) => {
    if (reportMissing(kind)) return;
    const seed = seedFrom('STRATA_TEST_SEED', 13);
    const gen = statRows(seed);
    let setup: BackendSetup;
    let catalog: Catalog;
    let registry: FeatureRegistry;
    let storeSetup: StoreSetup;
    let store: OnlineStore;
    const committed: StatRow[] = [];
    const cdcCommitted: StatRow[] = [];

    /** The store's rows of a view against the reference over `rows`. */
    const expectStoreMatches = async (name: string, rows: readonly StatRow[]) => {
      const want = newestByDriver(rows);
      const ids = Array.from({ length: DRIVERS + 1 }, (_, i) => i);
      const [got] = await store.read([{ view: name, keys: ids.map((driver_id) => ({ driver_id })) }]);
      const actual = ids.map((id) => got![id] && { id, ...got![id] });
      const expected = ids.map((id) => want.get(id) && { id, ...want.get(id) });
      expect(actual, `seed ${seed}`).toEqual(expected);
    };
    const run = (names: string[], options: Partial<Parameters<typeof materialize>[2]> = {}) =>
      materialize(registry, names, { store, ...options });

    beforeAll(async () => {
      console.log(`materialization seed ${seed} (replay with STRATA_TEST_SEED=${seed})`);
      setup = await backend.create();
      await initWarehouse(setup.warehouse, { env: setup.env });
      catalog = await Catalog.open({ warehouse: setup.warehouse, env: setup.env });
      registry = await FeatureRegistry.over(catalog);
      storeSetup = kind.create();
      store = storeSetup.open();
    });
    afterAll(async () => {
      await store?.close();
      storeSetup?.dispose();
      await registry?.close();
      await catalog?.close();
      await setup?.dispose();
    });

    it('a first run reads the whole source and leaves its version as the watermark', async () => {
      committed.push(...gen.batch(150, DRIVERS));
      await catalog.createTable('driver_stats', { data: fromRows(committed) });
      await registry.apply(definitionSet([driver, view('stats', 'driver_stats')]));
      const [result] = await run(['stats'], { batchRows: 16 });
      expect(result).toMatchObject({ view: 'stats', kind: ReadKind.full, fromVersion: null, toVersion: 0 });
      expect(result!.rows).toBe(newestByDriver(committed).size);
      expect(result!.written).toBe(result!.rows);
      expect(await store.watermark('stats')).toBe(0);
      await expectStoreMatches('stats', committed);
    });

    it('then reads only later commits: late rows are applied, newer corrections replace, older rows never win', async () => {
      const stored = newestByDriver(committed);
      const best = (id: number) =>
        committed.find((r) => r.driver_id === id && Date.parse(r.event_ts!) * 1000 === stored.get(id)!.eventTime)!;
      const ids = [...stored.keys()].slice(0, 12);
      const changes: StatRow[] = [
        ...gen.batch(1, DRIVERS, 0), // a row of the same day, typed as the table
        ...ids.slice(0, 4).map((id) => gen.correction(best(id), HOUR)), // newer created time: replaces
        ...ids.slice(4, 8).map((id) => gen.correction(best(id), -HOUR)), // older created time: never wins
        ...ids.slice(8, 10).map((id) => gen.late(id, 0, 48)), // late, older event time than the stored row: never wins
        gen.late(DRIVERS, 5, 1), // a late row for a key never seen, far ahead: applied
      ];
      const table = await catalog.openTable('driver_stats');
      await table.append(fromRows(changes));
      committed.push(...changes);
      const [result] = await run(['stats'], { batchRows: 4 });
      expect(result).toMatchObject({ kind: ReadKind.addedFiles, fromVersion: 0, toVersion: 1 });
      // Only the appended rows were read, one per key.
      expect(result!.rows).toBe(newestByDriver(changes).size);
      await expectStoreMatches('stats', committed);
      // The data exercised both outcomes: values replaced and rows refused as older.
      expect(result!.written).toBeGreaterThanOrEqual(5);
      expect(result!.skipped).toBeGreaterThanOrEqual(6);
    });

    it('a run with nothing committed since writes nothing; --full reads everything again and changes nothing', async () => {
      const [idle] = await run(['stats']);
      expect(idle).toMatchObject({ kind: ReadKind.upToDate, rows: 0, written: 0, fromVersion: 1, toVersion: 1 });
      const [full] = await run(['stats'], { full: true });
      expect(full).toMatchObject({ kind: ReadKind.full, fromVersion: 1, toVersion: 1, written: 0 });
      expect(full!.skipped).toBe(full!.rows);
      await expectStoreMatches('stats', committed);
    });

    it('reads the change data feed where the table records it: an UPDATE replays only its rows', async () => {
      cdcCommitted.push(...gen.batch(80, DRIVERS));
      await catalog.createTable('driver_stats_cdc', {
        data: fromRows(cdcCommitted),
        properties: { 'delta.enableChangeDataFeed': 'true' },
      });
      await registry.apply(
        definitionSet([driver, view('stats', 'driver_stats'), view('stats_cdc', 'driver_stats_cdc')]),
      );
      const [first] = await run(['stats_cdc']);
      expect(first).toMatchObject({ kind: ReadKind.full, toVersion: 0 });
      const table = await catalog.openTable('driver_stats_cdc');
      // A correction in place: newer created time, new values, for two drivers.
      await table.update(
        { trips: 'coalesce(trips, 0) + 1000', created_ts: "created_ts + INTERVAL '1 day'" },
        'driver_id IN (1, 2) AND created_ts IS NOT NULL',
      );
      const now = await table.refresh();
      cdcCommitted.splice(0, cdcCommitted.length, ...((await now.rows()) as unknown as StatRow[]).map(normalizeRow));
      const [second] = await run(['stats_cdc']);
      expect(second).toMatchObject({ kind: ReadKind.changeDataFeed, fromVersion: 0, toVersion: 1 });
      expect(second!.rows).toBeLessThanOrEqual(2);
      expect(second!.rows).toBeGreaterThan(0);
      await expectStoreMatches('stats_cdc', cdcCommitted);
    });

    it('two materializers at once: both finish, one moves the watermark, nothing is lost', async () => {
      const changes = gen.batch(60, DRIVERS, 1);
      await (await catalog.openTable('driver_stats')).append(fromRows(changes));
      committed.push(...changes);
      // Both runs read the watermark and write a first batch before either writes its last.
      let arrived = 0;
      let open!: () => void;
      const barrier = new Promise<void>((resolve) => (open = resolve));
      const afterBatch = async ({ index }: { index: number }) => {
        if (index !== 0) return;
        if (++arrived === 2) open();
        await barrier;
      };
      const results = await Promise.all([1, 2].map(() => run(['stats'], { batchRows: 8, afterBatch })));
      const [a, b] = results.map((r) => r[0]!) as [MaterializeResult, MaterializeResult];
      expect([a.attempts, b.attempts].sort()).toEqual([1, 2]);
      const loser = a.attempts === 2 ? a : b;
      expect(loser).toMatchObject({ kind: ReadKind.upToDate, fromVersion: 2, toVersion: 2 });
      expect(await store.watermark('stats')).toBe(2);
      await expectStoreMatches('stats', committed);
    });

    it('with one attempt allowed, the loser fails with FEATURE_MATERIALIZE_CONFLICT and still loses nothing', async () => {
      const changes = gen.batch(40, DRIVERS, 2);
      await (await catalog.openTable('driver_stats')).append(fromRows(changes));
      committed.push(...changes);
      let arrived = 0;
      let open!: () => void;
      const barrier = new Promise<void>((resolve) => (open = resolve));
      const afterBatch = async ({ index }: { index: number }) => {
        if (index !== 0) return;
        if (++arrived === 2) open();
        await barrier;
      };
      const outcomes = await Promise.allSettled(
        [1, 2].map(() => run(['stats'], { batchRows: 8, afterBatch, maxAttempts: 1 })),
      );
      const failed = outcomes.filter((o) => o.status === 'rejected');
      expect(failed).toHaveLength(1);
      expect(isStrataError((failed[0] as PromiseRejectedResult).reason, 'FEATURE_MATERIALIZE_CONFLICT')).toBe(true);
      expect(await store.watermark('stats')).toBe(3);
      await expectStoreMatches('stats', committed);
    });

    it('records each run that read something in the history, newest first', async () => {
      const history = await materializationHistory(registry.meta, { view: 'stats' });
      expect(history.map((h) => [h.kind, h.fromVersion, h.toVersion])).toEqual([
        [ReadKind.addedFiles, 2, 3],
        [ReadKind.addedFiles, 1, 2],
        [ReadKind.full, 1, 1],
        [ReadKind.addedFiles, 0, 1],
        [ReadKind.full, null, 0],
      ]);
      expect(history[0]!.store).toBe(store.name);
    });

    it('reads a SQL source whole on every run, keeping no watermark', async () => {
      const sqlView = defineFeatureView({
        name: 'stats_sql',
        entities: [driver],
        source: sqlSource('SELECT * FROM driver_stats WHERE trips IS NOT NULL'),
        eventTime: 'event_ts',
        createdTime: 'created_ts',
        features: { trips: 'int64', rating: 'float64' },
      });
      await registry.apply(
        definitionSet([driver, view('stats', 'driver_stats'), view('stats_cdc', 'driver_stats_cdc'), sqlView]),
      );
      const [first] = await run(['stats_sql']);
      expect(first).toMatchObject({ kind: ReadKind.full, fromVersion: null, toVersion: null });
      expect(await store.watermark('stats_sql')).toBeNull();
      await expectStoreMatches(
        'stats_sql',
        committed.filter((r) => r.trips !== null),
      );
      const [second] = await run(['stats_sql']);
      expect(second).toMatchObject({ kind: ReadKind.full, rows: first!.rows, written: 0 });
    });

    it('refuses an unknown view, naming it', async () => {
      await expect(run(['nope'])).rejects.toThrow(/feature view nope/);
    });
  });
});

/** A row read back from the lake (timestamps as Date or strings, ints as numbers) in the generator's shape. */
function normalizeRow(r: StatRow): StatRow {
  const time = (v: unknown) => (v === null ? null : new Date(v as string | Date).toISOString());
  return {
    driver_id: r.driver_id === null ? null : Number(r.driver_id),
    event_ts: time(r.event_ts),
    created_ts: time(r.created_ts),
    trips: r.trips === null ? null : Number(r.trips),
    rating: r.rating,
  };
}
