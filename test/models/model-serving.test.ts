/**
 * Serving through a real server on PGlite and PostgreSQL: predictions by alias and by
 * version equal in-process scoring of the same model file; a missing or mistyped feature
 * is a 400 naming it; an unknown model or alias a 404; a model file that does not load a
 * 503 naming the version, and the alias does not move to it; predictions reach the
 * prediction log's Delta table in batches.
 */
import * as path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DeltaTable } from '../../src/lake/index.js';
import { gbtEnsemble, ModelServer, parseGbtModel, predictBatch, type ModelStores } from '../../src/models/index.js';
import { startTestApi, type TestApi } from '../api/helpers/api-harness.js';
import { describeBackends, type BackendSetup } from '../meta/helpers/backends.js';
import { dataset, FEATURES, openModelStores, registerVersion, trainModel } from './helpers/model-fixtures.js';

const FLUSH_ROWS = 5;

describeBackends('Model serving over REST', (backend) => {
  let setup: BackendSetup;
  let api: TestApi;
  let stores: ModelStores;
  const file = trainModel(dataset(400, 7));
  const post = (pathAndQuery: string, body: unknown, token?: string) =>
    api.fetch(pathAndQuery, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
      ...(token === undefined ? {} : { token }),
    });
  const putAlias = (alias: string, version: number) =>
    api.fetch(`/v1/models/delays/aliases/${alias}`, {
      method: 'PUT',
      body: JSON.stringify({ version }),
      headers: { 'content-type': 'application/json' },
    });

  beforeAll(async () => {
    setup = await backend.create();
    api = await startTestApi({
      backend: setup,
      seed: false,
      server: { models: { predictionLog: { flushRows: FLUSH_ROWS, flushIntervalMs: 3_600_000 } } },
    });
    stores = await openModelStores(api);
    await registerVersion(stores, 'delays', file);
    expect((await putAlias('champion', 1)).status).toBe(200);
  });
  afterAll(async () => {
    await api?.close();
    await setup?.dispose();
  });

  it('predicts by alias and by version as in-process scoring does', async () => {
    const rows = [
      { x1: 0.9, x2: 0.8, x3: 0.1, id: 'extra keys are ignored' },
      { x1: 0.1, x2: 0.2, x3: 0.5 },
      { x1: null, x2: 0.7, x3: 0.2 },
    ];
    const expected = predictBatch(
      gbtEnsemble(parseGbtModel(file)),
      FEATURES.map((f) => rows.map((row) => (row[f] === null ? Number.NaN : row[f]))),
    );
    for (const query of ['', '?alias=champion', '?version=1']) {
      const response = await post(`/v1/models/delays/predict${query}`, { rows, requestId: `req${query}` });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { version: number; predictions: number[]; requestId: string };
      expect(body).toMatchObject({ model: 'delays', version: 1, requestId: `req${query}` });
      expect(body.predictions).toEqual(Array.from(expected));
    }
    expect((await post('/v1/models/delays/predict', { rows }, api.tokens.reader)).status).toBe(200);
  });

  it('names a missing or mistyped feature in a 400', async () => {
    const missing = await post('/v1/models/delays/predict', { rows: [{ x1: 1, x3: 1 }] });
    expect(missing.status).toBe(400);
    const body = (await missing.json()) as { code: string; message: string; details: { feature: string } };
    expect(body).toMatchObject({ code: 'MODEL_FEATURE_INVALID', details: { feature: 'x2' } });
    expect(body.message).toContain("lacks feature 'x2'");
    const typed = await post('/v1/models/delays/predict', {
      rows: [
        { x1: 1, x2: 1, x3: 1 },
        { x1: '1', x2: 1, x3: 1 },
      ],
    });
    expect(typed.status).toBe(400);
    expect(await typed.json()).toMatchObject({ code: 'MODEL_FEATURE_INVALID', details: { feature: 'x1', row: 1 } });
    expect((await post('/v1/models/delays/predict', { rows: [{ x1: true, x2: 1, x3: 1 }] })).status).toBe(400);
    expect((await post('/v1/models/delays/predict', { rows: [] })).status).toBe(400);
  });

  it('answers 404 for an unknown model, alias or version', async () => {
    const row = { x1: 1, x2: 1, x3: 1 };
    expect((await post('/v1/models/nope/predict', { rows: [row] })).status).toBe(404);
    expect((await post('/v1/models/delays/predict?alias=challenger', { rows: [row] })).status).toBe(404);
    expect((await post('/v1/models/delays/predict?version=99', { rows: [row] })).status).toBe(404);
  });

  it('names the version whose file does not load, and keeps the alias where it was', async () => {
    const broken = await registerVersion(stores, 'delays', '{"format": "strata-gbt", "version": 1, "trees": "no"}');
    const response = await post(`/v1/models/delays/predict?version=${broken.version}`, {
      rows: [{ x1: 1, x2: 1, x3: 1 }],
    });
    expect(response.status).toBe(503);
    const body = (await response.json()) as { code: string; message: string };
    expect(body.code).toBe('MODEL_LOAD_FAILED');
    expect(body.message).toContain(`model delays version ${broken.version} does not load`);
    expect((await putAlias('champion', broken.version)).status).toBe(503);
    expect((await stores.aliases.versionByAlias('delays', 'champion')).version).toBe(1);
    const notJson = await registerVersion(stores, 'delays', 'not json');
    expect((await putAlias('challenger', notJson.version)).status).toBe(503);
    await expect(stores.aliases.versionByAlias('delays', 'challenger')).rejects.toThrow(/not found/);
  });

  it("never serves a deleted model's scorer for a re-created model that reuses its version numbers", async () => {
    const server = new ModelServer({ ...stores, aliasTtlMs: 0 });
    const row = { x1: 0.7, x2: 0.2, x3: 0.9 };
    const other = trainModel(dataset(400, 8), { rounds: 5 });
    await registerVersion(stores, 'recreated', file);
    const before = await server.predict('recreated', { version: 1, rows: [row] });
    await stores.registry.deleteModel('recreated');
    await expect(server.predict('recreated', { version: 1, rows: [row] })).rejects.toThrow(/not found/i);
    await registerVersion(stores, 'recreated', other);
    const after = await server.predict('recreated', { version: 1, rows: [row] });
    const expected = predictBatch(
      gbtEnsemble(parseGbtModel(other)),
      FEATURES.map((f) => [row[f]]),
    );
    expect(after.predictions).toEqual(Array.from(expected));
    expect(after.predictions).not.toEqual(before.predictions);
  });

  it('logs every prediction to a Delta table in batches', async () => {
    const location = path.join(api.warehouse, 'models', 'prediction_log');
    // Requests of FLUSH_ROWS rows each: every one fills the buffer, so all is committed after them.
    for (let i = 0; i < 2; i++) {
      const rows = Array.from({ length: FLUSH_ROWS }, (_, r) => ({ x1: r / 10, x2: 0.5, x3: i }));
      expect((await post('/v1/models/delays/predict', { rows, requestId: `log-${i}` })).status).toBe(200);
    }
    let rows: Record<string, unknown>[] = [];
    const mine = () => rows.filter((r) => String(r.request_id).startsWith('log-'));
    for (let wait = 0; wait < 400 && mine().length < FLUSH_ROWS * 2; wait++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      if (await DeltaTable.exists(location)) rows = await (await DeltaTable.open(location)).rows();
    }
    expect(mine()).toHaveLength(FLUSH_ROWS * 2);
    // Batches, not a commit per prediction: every commit holds at least FLUSH_ROWS rows.
    const commits = (await (await DeltaTable.open(location)).history()).length;
    expect(commits).toBeLessThanOrEqual(rows.length / FLUSH_ROWS);
    const third = mine().find((r) => r.request_id === 'log-1' && r.row_index === 3)!;
    expect(third).toMatchObject({ model: 'delays', version: 1 });
    expect(JSON.parse(String(third.inputs))).toEqual({ x1: 0.3, x2: 0.5, x3: 1 });
    expect(third.prediction).toBeCloseTo(JSON.parse(String(third.output)) as number, 12);
    expect(Number(third.latency_ms)).toBeGreaterThanOrEqual(0);
    expect(third.predicted_at).toBeTruthy();
  });
});
