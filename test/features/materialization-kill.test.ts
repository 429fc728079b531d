/**
 * A materializer SIGKILLed in the middle of a run loses nothing and applies nothing
 * twice: a real child process materializes an incremental range in small batches and is
 * killed after two of them were written; the watermark has not moved, and a resumed run
 * reads the same commits, skips exactly the rows the killed run had written (equal, not
 * newer) and writes the rest, leaving the latest value of every key. On every metadata
 * backend and online store. Seeded: replay with STRATA_TEST_SEED=<seed>.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Catalog, initWarehouse } from '../../src/catalog/index.js';
import { fromRows } from '../../src/lake/index.js';
import {
  FeatureRegistry,
  ReadKind,
  defineEntity,
  defineFeatureView,
  definitionSet,
  materialize,
  tableSource,
  type OnlineStore,
} from '../../src/index.js';
import { describeBackends, type BackendSetup } from '../meta/helpers/backends.js';
import { seedFrom } from '../support/random.js';
import { newestByDriver, statRows, type StatRow } from './helpers/materialization-data.js';
import { STORE_KINDS, reportMissing, type StoreSetup } from './helpers/online-stores.js';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'helpers', 'materialize-child.ts');
const DRIVERS = 300;
const BATCH = 20;
const driver = defineEntity({ name: 'driver', joinKeys: { driver_id: 'int64' } });
const stats = defineFeatureView({
  name: 'stats',
  entities: [driver],
  source: tableSource('driver_stats'),
  eventTime: 'event_ts',
  createdTime: 'created_ts',
  features: { trips: 'int64', rating: 'float64' },
});

describeBackends('materialization killed mid-run', (backend) => {
  describe.each(STORE_KINDS)('into $name', (kind) => {
    if (reportMissing(kind)) return;
    const seed = seedFrom('STRATA_TEST_SEED', 13);
    const gen = statRows(seed);
    let setup: BackendSetup;
    let storeSetup: StoreSetup;
    let store: OnlineStore;
    const committed: StatRow[] = [];
    const open = async () => {
      const catalog = await Catalog.open({ warehouse: setup.warehouse, env: setup.env });
      return FeatureRegistry.over(catalog, undefined, true);
    };

    beforeAll(async () => {
      console.log(`materialization kill seed ${seed} (replay with STRATA_TEST_SEED=${seed})`);
      setup = await backend.create();
      storeSetup = kind.create();
      store = storeSetup.open();
      await initWarehouse(setup.warehouse, { env: setup.env });
      const registry = await open();
      try {
        committed.push(...gen.batch(400, DRIVERS));
        await registry.catalog.createTable('driver_stats', { data: fromRows(committed) });
        await registry.apply(definitionSet([driver, stats]));
        await materialize(registry, ['stats'], { store });
        // Every key's new row is a day newer than anything stored: each is written once.
        const changes = gen.batch(500, DRIVERS, 1);
        await (await registry.catalog.openTable('driver_stats')).append(fromRows(changes));
        committed.push(...changes);
      } finally {
        await registry.close(); // the child holds the embedded metadata database while it runs
      }
    });
    afterAll(async () => {
      await store?.close();
      storeSetup?.dispose();
      await setup?.dispose();
    });

    it('a SIGKILL after two batches leaves the watermark; the resumed run skips exactly those rows and writes the rest', async () => {
      const args = [setup.warehouse, JSON.stringify(setup.env), storeSetup.url, JSON.stringify(storeSetup.options)];
      const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args, 'stats', String(BATCH), '1'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      const exited = new Promise<NodeJS.Signals | null>((resolve) =>
        child.on('exit', (_code, signal) => resolve(signal)),
      );
      const stopped = await new Promise<number>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const match = /stopped (\d+)/.exec(out);
          if (match) resolve(Number(match[1]));
        });
        child.on('exit', () => reject(new Error(`the child ended before stopping: ${out}\n${err}`)));
      });
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
      expect(stopped).toBe(2 * BATCH);
      // Written rows are there, but the watermark never moved past the baseline.
      expect(await store.watermark('stats')).toBe(0);

      const registry = await open();
      try {
        const [resumed] = await materialize(registry, ['stats'], { store, batchRows: BATCH });
        const rows = newestByDriver(committed.slice(400)).size;
        expect(resumed).toMatchObject({ kind: ReadKind.addedFiles, fromVersion: 0, toVersion: 1, rows });
        expect([resumed!.skipped, resumed!.written]).toEqual([stopped, rows - stopped]);
      } finally {
        await registry.close();
      }
      expect(await store.watermark('stats')).toBe(1);
      const want = newestByDriver(committed);
      const ids = Array.from({ length: DRIVERS + 1 }, (_, i) => i);
      const [got] = await store.read([{ view: 'stats', keys: ids.map((driver_id) => ({ driver_id })) }]);
      expect(
        ids.map((id) => got![id] && { id, ...got![id] }),
        `seed ${seed}`,
      ).toEqual(ids.map((id) => want.get(id) && { id, ...want.get(id) }));
    });
  });
});
