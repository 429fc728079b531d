/**
 * materialize_rows_per_s: materialization into the embedded online store, an incremental
 * run after 1% of a source changed beside a full materialization of the same source.
 *
 * Data: SOURCE_ROWS rows (FEATURES_BENCH_MATERIALIZE_ROWS, default 1,000,000; the issue's
 * size is 10,000,000) over SOURCE_ROWS/4 drivers, 10 float features, created times. Full
 * side: the view's online rows dropped, then `materialize({ full: true })` into the empty
 * store. Incremental side: 1% of SOURCE_ROWS appended as one new commit (newer event times
 * for random drivers), then a plain `materialize` reading only that commit. Rows per second
 * count source rows read (all of them for full, the changed 1% for incremental); the
 * incremental run's time over the full run's is the saving that reading by commit buys.
 */
import * as path from 'node:path';
import { Catalog, initWarehouse } from '../../src/catalog/index.js';
import {
  FeatureRegistry,
  ReadKind,
  defineEntity,
  defineFeatureView,
  definitionSet,
  materialize,
  openOnlineStore,
  type FeatureType,
} from '../../src/features/index.js';
import { fromSql } from '../../src/lake/index.js';
import { measure, median, spread, type BenchResult, type Scenario } from '../harness.js';

const SOURCE_ROWS = Number(process.env.FEATURES_BENCH_MATERIALIZE_ROWS ?? 1_000_000);
const KEYS = Math.max(1, Math.floor(SOURCE_ROWS / 4));
const CHANGED = Math.max(1, Math.floor(SOURCE_ROWS / 100));
const FEATURES = Array.from({ length: 10 }, (_, j) => `f${j}`);
const ROUNDS = 3;

function rowsSql(count: number, day: number, salt: number): string {
  const values = FEATURES.map((f, j) => `((i * ${j + 7} + ${salt}) % 1000) / 10.0 AS ${f}`);
  return `SELECT (hash(i, ${salt}) % ${KEYS})::BIGINT AS driver_id,
      TIMESTAMPTZ '2026-01-01 00:00:00+00' + INTERVAL ${day} DAY + to_seconds((hash(i, ${salt}, 'e') % 86400)::BIGINT) AS event_ts,
      event_ts + INTERVAL 1 HOUR AS created_ts,
      ${values.join(', ')}
    FROM range(${count}) t(i)`;
}

export const materializeScenario: Scenario = {
  name: 'materialize_rows_per_s',
  description: `materialization into the embedded store: incremental after 1% (${CHANGED.toLocaleString('en-US')} rows) of a ${SOURCE_ROWS.toLocaleString('en-US')}-row source changed, beside a full materialization`,
  async run({ workDir, log }): Promise<BenchResult[]> {
    const warehouse = path.join(workDir, 'warehouse');
    await initWarehouse(warehouse);
    const catalog = await Catalog.open({ warehouse });
    const store = openOnlineStore(path.join(workDir, 'online'));
    try {
      log('writing the source');
      await catalog.createTable('driver_hourly', { data: fromSql(rowsSql(SOURCE_ROWS, 0, 1)) });
      const driver = defineEntity({ name: 'driver', joinKeys: { driver_id: 'int64' } });
      const view = defineFeatureView({
        name: 'driver_hourly',
        entities: [driver],
        source: 'driver_hourly',
        eventTime: 'event_ts',
        createdTime: 'created_ts',
        features: Object.fromEntries(FEATURES.map((f) => [f, 'float64' as FeatureType])),
      });
      const registry = await FeatureRegistry.over(catalog);
      await registry.apply(definitionSet([driver, view]));
      const full: number[] = [];
      const incremental: number[] = [];
      let onlineRows = 0;
      for (let round = 0; round < ROUNDS; round++) {
        await store.dropView(view.name);
        const f = await measure(async () => {
          const [result] = await materialize(registry, [view.name], { store, full: true });
          if (result!.kind !== ReadKind.full) throw new Error(`a full run read ${result!.kind}`);
          onlineRows = result!.written;
        });
        full.push(f.wallMs);
        log(`round ${round}: full ${f.wallMs.toFixed(0)} ms (${onlineRows} online rows)`);
        await (await catalog.openTable('driver_hourly')).append(fromSql(rowsSql(CHANGED, round + 1, round + 2)));
        const i = await measure(async () => {
          const [result] = await materialize(registry, [view.name], { store });
          if (result!.kind !== ReadKind.addedFiles) throw new Error(`an incremental run read ${result!.kind}`);
        });
        incremental.push(i.wallMs);
        log(`round ${round}: incremental ${i.wallMs.toFixed(0)} ms`);
      }
      await registry.close();
      const fullS = median(full) / 1000;
      const incS = median(incremental) / 1000;
      return [
        {
          name: 'materialize_rows_per_s',
          value: CHANGED / incS,
          unit: 'rows/s',
          note: `incremental: ${CHANGED} changed source rows (1%) in ${spread(incremental)} ms`,
        },
        {
          name: 'materialize_full_rows_per_s',
          value: SOURCE_ROWS / fullS,
          unit: 'rows/s',
          note: `full: ${SOURCE_ROWS} source rows, ${onlineRows} online rows, in ${spread(full)} ms`,
        },
        {
          name: 'materialize_incremental_vs_full_ratio',
          value: incS / fullS,
          unit: 'ratio',
          note: `median incremental run time ÷ median full run time, same source and store (${ROUNDS} rounds)`,
        },
      ];
    } finally {
      await store.close();
      await catalog.close();
    }
  },
};
