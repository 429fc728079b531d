/**
 * Batch scoring of a Delta table into a Delta table, on PGlite and PostgreSQL: the output
 * holds every input row's prediction equal to in-process scoring, the chosen version
 * recorded; a second run overwrites in one commit (or appends); the flow task function
 * opens the task's warehouse itself; a missing feature column is named.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Catalog, initWarehouse } from '../../src/catalog/index.js';
import { SqlSession } from '../../src/engine/index.js';
import {
  batchScoringTask,
  gbtEnsemble,
  ModelServer,
  parseGbtModel,
  predictBatch,
  scoreTable,
  ModelStores,
} from '../../src/models/index.js';
import { openStore } from '../../src/storage/index.js';
import * as path from 'node:path';
import { describeBackends, type BackendSetup } from '../meta/helpers/backends.js';
import { dataset, FEATURES, registerVersion, trainModel, valuesSql } from './helpers/model-fixtures.js';

describeBackends('Batch scoring', (backend) => {
  let setup: BackendSetup;
  let catalog: Catalog;
  let stores: ModelStores;
  const file = trainModel(dataset(300, 21));
  const data = dataset(50, 22);

  beforeAll(async () => {
    setup = await backend.create();
    await initWarehouse(setup.warehouse, { env: setup.env });
    catalog = await Catalog.open({ warehouse: setup.warehouse, env: setup.env });
    stores = await ModelStores.open(catalog.meta, { artifacts: openStore(path.join(setup.warehouse, 'artifacts')) });
    await registerVersion(stores, 'scorer', file);
    await stores.aliases.setAlias('scorer', 'champion', 1);
    const session = new SqlSession(catalog);
    await session.execute(`CREATE TABLE flights (id BIGINT, x1 DOUBLE, x2 DOUBLE, x3 DOUBLE, label INTEGER)`);
    const values = valuesSql(data)
      .split('), (')
      .map((v, i) => `(${i}, ${v.replace(/^\(|\)$/g, '')})`)
      .join(', ');
    await session.execute(`INSERT INTO flights VALUES ${values}`);
  });
  afterAll(async () => {
    await catalog?.close();
    await setup?.dispose();
  });

  it('scores every row as in-process scoring does, in one commit', async () => {
    const server = new ModelServer(stores);
    const result = await scoreTable(catalog, server, {
      model: 'scorer',
      input: 'flights',
      output: 'flight_scores',
      keep: ['id'],
    });
    expect(result).toMatchObject({
      model: 'scorer',
      modelVersion: 1,
      rows: 50,
      input: { table: 'main.flights', version: 1 },
    });
    const rows = await (await catalog.openTable('flight_scores')).rows({ orderBy: 'id' });
    const expected = predictBatch(gbtEnsemble(parseGbtModel(file)), data.columns);
    expect(rows.map((r) => r.prediction)).toEqual(Array.from(expected));
    expect(Object.keys(rows[0]!).sort()).toEqual(['id', 'model_version', 'prediction']);
    const again = await scoreTable(catalog, server, {
      model: 'scorer',
      version: 1,
      input: 'flights',
      output: 'flight_scores',
      keep: ['id'],
    });
    expect(again.output.version).toBe(result.output.version + 1);
    expect(await (await catalog.openTable('flight_scores')).rows()).toHaveLength(50);
    await scoreTable(catalog, server, {
      model: 'scorer',
      input: 'flights',
      output: 'flight_scores',
      keep: ['id'],
      mode: 'append',
    });
    expect(await (await catalog.openTable('flight_scores')).rows()).toHaveLength(100);
  });

  it('names a feature the input table lacks', async () => {
    await new SqlSession(catalog).execute(`CREATE TABLE partial AS SELECT id, x1, x2 FROM flights`);
    await expect(
      scoreTable(catalog, new ModelServer(stores), { model: 'scorer', input: 'partial', output: 'partial_scores' }),
    ).rejects.toMatchObject({ code: 'MODEL_FEATURE_INVALID', details: { feature: 'x3' } });
  });

  it('runs as a flow task function on the task warehouse', async () => {
    expect(FEATURES).toHaveLength(3);
    const task = batchScoringTask({ model: 'scorer', alias: 'champion', input: 'flights', output: 'task_scores' });
    // The task opens the warehouse itself, as it would in a worker process: release ours first (PGlite is single-owner).
    await catalog.close();
    // A worker has the warehouse's database URL in its environment (PostgreSQL backend).
    const saved = { ...process.env };
    Object.assign(process.env, setup.env);
    try {
      const result = await task({ warehouse: setup.warehouse });
      expect(result).toMatchObject({ modelVersion: 1, rows: 50, output: { table: 'main.task_scores', version: 0 } });
    } finally {
      for (const key of Object.keys(setup.env)) if (saved[key] === undefined) delete process.env[key];
      catalog = await Catalog.open({ warehouse: setup.warehouse, env: setup.env });
    }
    expect(await (await catalog.openTable('task_scores')).rows()).toHaveLength(50);
  });
});
