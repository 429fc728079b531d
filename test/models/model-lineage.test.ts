/**
 * Lineage through a real server on PGlite and PostgreSQL, from a real training set: the
 * features module builds one (its manifest pins every source's Delta version), a run
 * records it with the flow run and task, the run's model versions inherit it; "which
 * versions trained on table X" and "what data did champion see" answer over REST and
 * in TypeScript; grants hide tables the caller cannot read.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fromRows } from '../../src/lake/index.js';
import {
  FeatureRegistry,
  defineEntity,
  defineFeatureView,
  definitionSet,
  getTrainingSet,
  tableSource,
} from '../../src/index.js';
import { trainingSetLineage, type ModelStores, type VersionLineage } from '../../src/models/index.js';
import { startTestApi, type TestApi } from '../api/helpers/api-harness.js';
import { describeBackends, type BackendSetup } from '../meta/helpers/backends.js';
import { dataset, openModelStores, registerVersion, trainModel } from './helpers/model-fixtures.js';

const driver = defineEntity({ name: 'driver', joinKeys: { driver_id: 'int64' } });
const stats = defineFeatureView({
  name: 'stats',
  entities: [driver],
  source: tableSource('driver_stats'),
  eventTime: 'event_ts',
  features: { trips: 'int64' },
});

describeBackends('Model lineage', (backend) => {
  let setup: BackendSetup;
  let api: TestApi;
  let stores: ModelStores;
  let registry: FeatureRegistry;
  const model = trainModel(dataset(200, 3));
  const get = async <T>(pathAndQuery: string, token?: string): Promise<{ status: number; body: T }> => {
    const response = await api.fetch(pathAndQuery, token === undefined ? {} : { token });
    return { status: response.status, body: (await response.json()) as T };
  };

  beforeAll(async () => {
    setup = await backend.create();
    api = await startTestApi({ backend: setup, seed: false });
    stores = await openModelStores(api);
    const at = (h: number) => new Date(Date.UTC(2026, 2, 1, h)).toISOString();
    await api.catalog.createTable('driver_stats', {
      data: fromRows([1, 2, 3].map((id) => ({ driver_id: id, event_ts: at(id), trips: id * 10 }))),
    });
    await (
      await api.catalog.openTable('driver_stats')
    ).append(fromRows([{ driver_id: 1, event_ts: at(5), trips: 11 }]));
    registry = await FeatureRegistry.over(api.catalog);
    await registry.apply(definitionSet([driver, stats]));
    await getTrainingSet(registry, {
      features: ['stats:trips'],
      entities: {
        kind: 'rows',
        rows: [1, 2, 3].map((id) => ({ driver_id: id, event_timestamp: at(6), label: id % 2 })),
      },
      output: 'delay_training',
    });
  });
  afterAll(async () => {
    await registry?.close();
    await api?.close();
    await setup?.dispose();
  });

  it("records a run's training set and hands it to the run's versions", async () => {
    const v1 = await registerVersion(stores, 'delays', model);
    const lineage = await trainingSetLineage(api.catalog, 'delay_training', {
      flowRun: { runId: '42', taskId: 'train' },
      codeVersion: 'abc123',
    });
    await stores.lineage.record(v1.runId!, lineage);
    const { status, body } = await get<VersionLineage>(`/v1/models/delays/versions/${v1.version}/lineage`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ name: 'delays', version: 1, runId: v1.runId });
    expect(body.lineage).toMatchObject({
      trainingSet: { table: 'main.delay_training', version: 0 },
      flowRun: { runId: '42', taskId: 'train' },
      codeVersion: 'abc123',
    });
    // The source at the Delta version the training set read (1: after the append), and the definitions' versions.
    expect(body.lineage!.sources).toContainEqual(
      expect.objectContaining({ table: 'main.driver_stats', version: 1, view: 'stats' }),
    );
    expect(body.lineage!.definitions).toContainEqual({ kind: 'featureView', name: 'stats', version: 1 });
  });

  it('answers which versions trained on a table, and what champion saw', async () => {
    await (
      await api.catalog.openTable('driver_stats')
    ).append(fromRows([{ driver_id: 2, event_ts: new Date().toISOString(), trips: 1 }]));
    const v2 = await registerVersion(stores, 'delays', model);
    await stores.lineage.record(v2.runId!, {
      definitions: [],
      sources: [
        { table: 'main.driver_stats', location: (await api.catalog.getTable('driver_stats')).location, version: 2 },
      ],
    });
    await registerVersion(stores, 'other', model); // no lineage: never listed
    const bySource = await get<{ versions: { name: string; version: number; deltaVersion: number; via: string }[] }>(
      '/v1/lineage/models?table=driver_stats',
    );
    expect(bySource.status).toBe(200);
    expect(bySource.body.versions.map((v) => [v.name, v.version, v.deltaVersion, v.via])).toEqual([
      ['delays', 2, 2, 'source'],
      ['delays', 1, 1, 'source'],
    ]);
    const bySet = await get<{ versions: { version: number; via: string }[] }>(
      '/v1/lineage/models?table=main.delay_training',
    );
    expect(bySet.body.versions).toMatchObject([{ version: 1, via: 'trainingSet' }]);
    // What data did champion see: the alias's version's lineage, in TypeScript.
    await stores.aliases.setAlias('delays', 'champion', 1);
    const champion = await stores.aliases.versionByAlias('delays', 'champion');
    const seen = await stores.lineage.forVersion('delays', champion.version);
    expect(seen.lineage?.trainingSet).toEqual({ table: 'main.delay_training', version: 0 });
    expect((await get<VersionLineage>('/v1/models/other/versions/1/lineage')).body.lineage).toBeNull();
  });

  it('records lineage over REST, from a training set or from explicit sources', async () => {
    const v3 = await registerVersion(stores, 'delays', model);
    const put = (body: unknown, token?: string) =>
      api.fetch(`/v1/lineage/runs/${v3.runId}`, {
        method: 'PUT',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json' },
        ...(token === undefined ? {} : { token }),
      });
    const fromSet = await put({ trainingSet: 'delay_training', flowRun: { runId: '7', taskId: 'fit' } });
    expect(fromSet.status).toBe(200);
    expect(await fromSet.json()).toMatchObject({
      runId: v3.runId,
      trainingSet: { table: 'main.delay_training', version: 0 },
      flowRun: { runId: '7', taskId: 'fit' },
    });
    const explicit = await put({ sources: [{ table: 'driver_stats', version: 0 }], codeVersion: 'def456' });
    expect(explicit.status).toBe(200);
    const recorded = (await explicit.json()) as {
      sources: { table: string; version: number }[];
      trainingSet?: unknown;
    };
    expect(recorded.sources).toMatchObject([{ table: 'main.driver_stats', version: 0 }]);
    expect(recorded.trainingSet).toBeUndefined();
    expect((await put({ trainingSet: 'driver_stats' })).status).toBe(400); // not a training set
    expect((await put({ sources: [{ table: 'nope', version: 0 }] })).status).toBe(404);
    expect((await put({ sources: [] }, api.tokens.reader)).status).toBe(403);
    expect(
      (
        await api.fetch('/v1/lineage/runs/nope', {
          method: 'PUT',
          body: '{}',
          headers: { 'content-type': 'application/json' },
        })
      ).status,
    ).toBe(404);
  });

  it('hides tables the caller cannot read', async () => {
    const reader = await api.token('reader', [{ table: 'main.delay_training' }]);
    const lineage = await get<VersionLineage>('/v1/models/delays/versions/1/lineage', reader);
    expect(lineage.status).toBe(200);
    expect(lineage.body.lineage!.trainingSet).toEqual({ table: 'main.delay_training', version: 0 });
    expect(lineage.body.lineage!.sources.map((s) => s.table)).not.toContain('main.driver_stats');
    expect((await get('/v1/lineage/models?table=driver_stats', reader)).status).toBe(404);
    expect((await get('/v1/lineage/models?table=nope')).status).toBe(404);
    expect((await get('/v1/models/delays/versions/9/lineage')).status).toBe(404);
  });
});
