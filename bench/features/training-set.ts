/**
 * training_set_vs_asof_ratio: a point-in-time training set through Strata against a
 * hand-written DuckDB ASOF-join query over the same data.
 *
 * Data: VIEWS feature views of FEATURES features each (with created-time columns: a
 * tenth of the rows are late corrections), SOURCE_ROWS rows per view over KEYS drivers,
 * and ENTITY_ROWS entity rows in a lake table. Strata side: getTrainingSet (bitemporal,
 * TTL 7 days) writing its Delta table with the manifest. ASOF side: one query, event time
 * only (what a plain ASOF join can express), over read_parquet of the same files, written
 * to a Parquet file with COPY. Sizes by environment: FEATURES_BENCH_ENTITY_ROWS (default
 * 100,000; the issue's full size is 1,000,000), FEATURES_BENCH_SOURCE_ROWS (100,000 per view).
 * Sides alternate; the figure is the ratio of the medians.
 */
import * as path from 'node:path';
import { Catalog, initWarehouse } from '../../src/catalog/index.js';
import {
  FeatureRegistry,
  defineEntity,
  defineFeatureView,
  definitionSet,
  getTrainingSet,
  type FeatureType,
} from '../../src/features/index.js';
import { DeltaTable, fromSql, withConnection } from '../../src/lake/index.js';
import { alternate, median, spread, wall, type BenchResult, type Scenario } from '../harness.js';
import { sqlString } from '../lake/sql.js';
import { readParquetSql } from '../sql/base-table.js';

const VIEWS = 10;
const FEATURES = 10;
const KEYS = 10_000;
const ENTITY_ROWS = Number(process.env.FEATURES_BENCH_ENTITY_ROWS ?? 100_000);
const SOURCE_ROWS = Number(process.env.FEATURES_BENCH_SOURCE_ROWS ?? 100_000);
const ROUNDS = 3;
const DAY_S = 86_400;

const features = (v: number) => Array.from({ length: FEATURES }, (_, j) => `v${v}_f${j}`);

function sourceSql(v: number): string {
  const values = features(v).map((f, j) => `((i * ${j + 7} + ${v}) % 1000) / 10.0 AS ${f}`);
  return `SELECT (hash(i, ${v}) % ${KEYS})::BIGINT AS driver_id,
      TIMESTAMPTZ '2026-01-01 00:00:00+00' + to_seconds((hash(i, ${v}, 'e') % (60 * ${DAY_S}))::BIGINT) AS event_ts,
      event_ts + to_seconds(CASE WHEN i % 10 = 0 THEN 3 * ${DAY_S} ELSE 0 END) AS created_ts,
      ${values.join(', ')}
    FROM range(${SOURCE_ROWS}) t(i)`;
}

const entitySql = `SELECT (hash(i, 'k') % ${KEYS})::BIGINT AS driver_id,
    TIMESTAMPTZ '2026-01-01 00:00:00+00' + to_seconds((hash(i, 't') % (70 * ${DAY_S}))::BIGINT) AS event_timestamp,
    i % 2 AS label
  FROM range(${ENTITY_ROWS}) t(i)`;

export const trainingSet: Scenario = {
  name: 'training_set_vs_asof_ratio',
  description: `${ENTITY_ROWS.toLocaleString('en-US')} entity rows x ${VIEWS} views x ${FEATURES} features (${SOURCE_ROWS.toLocaleString('en-US')} rows each, with created times): getTrainingSet vs a hand-written ASOF join`,
  async run({ workDir, log }): Promise<BenchResult[]> {
    const warehouse = path.join(workDir, 'warehouse');
    await initWarehouse(warehouse);
    const catalog = await Catalog.open({ warehouse });
    try {
      log('writing sources');
      const driver = defineEntity({ name: 'driver', joinKeys: { driver_id: 'int64' } });
      const views: ReturnType<typeof defineFeatureView>[] = [];
      for (let v = 0; v < VIEWS; v++) {
        await catalog.createTable(`source_${v}`, { data: fromSql(sourceSql(v)) });
        views.push(
          defineFeatureView({
            name: `view_${v}`,
            entities: [driver],
            source: `source_${v}`,
            eventTime: 'event_ts',
            createdTime: 'created_ts',
            ttl: '7d',
            features: Object.fromEntries(features(v).map((f) => [f, 'float64' as FeatureType])),
          }),
        );
      }
      await catalog.createTable('entities', { data: fromSql(entitySql) });
      const registry = await FeatureRegistry.over(catalog);
      await registry.apply(definitionSet([driver, ...views]));

      const reads: string[] = [];
      for (let v = 0; v < VIEWS; v++) {
        const table = await DeltaTable.open((await catalog.getTable(`source_${v}`)).location);
        reads.push(readParquetSql(table.snapshot, table.location));
      }
      const entities = await DeltaTable.open((await catalog.getTable('entities')).location);
      const asof =
        `SELECT e.*, ${Array.from({ length: VIEWS }, (_, v) =>
          features(v)
            .map((f) => `s${v}.${f}`)
            .join(', '),
        ).join(', ')} ` +
        `FROM ${readParquetSql(entities.snapshot, entities.location)} e ` +
        Array.from(
          { length: VIEWS },
          (_, v) =>
            `ASOF LEFT JOIN ${reads[v]} s${v} ON s${v}.driver_id = e.driver_id AND e.event_timestamp >= s${v}.event_ts`,
        ).join(' ');

      const samples = await alternate(
        [
          {
            name: 'strata',
            run: async (round) => {
              const result = await getTrainingSet(registry, {
                features: views.map((v) => v.name),
                entities: { kind: 'table', table: 'entities' },
                output: `training_${round}`,
              });
              if (result.rows !== ENTITY_ROWS) throw new Error(`the training set has ${result.rows} rows`);
            },
          },
          {
            name: 'asof',
            run: (round) =>
              withConnection(async (c) => {
                await c.run(`COPY (${asof}) TO ${sqlString(path.join(workDir, `asof_${round}.parquet`))}`);
              }),
          },
        ],
        { warmup: 0, rounds: ROUNDS, log },
      );
      await registry.close();
      const strata = wall(samples.get('strata')!);
      const plain = wall(samples.get('asof')!);
      return [
        {
          name: 'training_set_vs_asof_ratio',
          value: median(strata) / median(plain),
          unit: 'ratio',
          bound: { max: 1.2 },
          note: `median of ${ROUNDS} getTrainingSet (bitemporal, TTL, Delta output with manifest) ÷ median of ${ROUNDS} hand-written ASOF joins (event time only) to Parquet, alternating`,
        },
        { name: 'training_set_s', value: median(strata) / 1000, unit: 's', note: `samples ${spread(strata)} ms` },
        { name: 'training_set_asof_s', value: median(plain) / 1000, unit: 's', note: `samples ${spread(plain)} ms` },
      ];
    } finally {
      await catalog.close();
    }
  },
};
