/**
 * An ONNX model served like the tree formats: registered as an MLflow-style model
 * directory holding `model.onnx`, its input columns named by the version's
 * `feature_names` tag, scored through onnxruntime-node behind the predict route, as numpy
 * computed for the fixture (fixtures/make-linear-onnx.py). A file that is not ONNX is a
 * 503 naming the version.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ModelStores } from '../../src/models/index.js';
import { startTestApi, type TestApi } from '../api/helpers/api-harness.js';
import { describeBackends, type BackendSetup } from '../meta/helpers/backends.js';
import { openModelStores } from './helpers/model-fixtures.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
const EXPECTED = JSON.parse(fixture('linear-model-expected.json').toString()) as {
  rows: number[][];
  probability: number[];
};

describeBackends('ONNX models on the predict route', (backend) => {
  let setup: BackendSetup;
  let api: TestApi;
  let stores: ModelStores;

  const register = async (name: string, file: Buffer) => {
    const run = await stores.runs.create({ experimentId: '0', runName: `onnx-${name}` });
    const root = run.info.artifactUri.replace(/^mlflow-artifacts:\/+/, '');
    await stores.artifacts.put(`${root}/model/model.onnx`, file);
    await stores.registry.createModel(name);
    return stores.registry.createVersion({
      name,
      source: `runs:/${run.info.runId}/model`,
      runId: run.info.runId,
      tags: [{ key: 'feature_names', value: 'a, b, c' }],
    });
  };
  const predict = (name: string, rows: unknown[]) =>
    api.fetch(`/v1/models/${name}/predict?version=1`, {
      method: 'POST',
      body: JSON.stringify({ rows }),
      headers: { 'content-type': 'application/json' },
    });

  beforeAll(async () => {
    setup = await backend.create();
    api = await startTestApi({ backend: setup, seed: false, server: { models: { predictionLog: false } } });
    stores = await openModelStores(api);
  });
  afterAll(async () => {
    await api?.close();
    await setup?.dispose();
  });

  it('scores rows by the names in the feature_names tag, as numpy computed', async () => {
    await register('linear', fixture('linear-model.onnx'));
    const rows = EXPECTED.rows.map(([a, b, c]) => ({ c, a, b }));
    const response = await predict('linear', rows);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { predictions: number[] };
    expect(body.predictions).toHaveLength(EXPECTED.probability.length);
    body.predictions.forEach((p, i) => expect(p).toBeCloseTo(EXPECTED.probability[i]!, 6));
    const missing = await predict('linear', [{ a: 1, b: 2 }]);
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ code: 'MODEL_FEATURE_INVALID', details: { feature: 'c' } });
  });

  it('answers 503 naming the version when model.onnx is not an ONNX model', async () => {
    await register('broken', Buffer.from('not a protobuf'));
    const response = await predict('broken', [{ a: 1, b: 2, c: 3 }]);
    expect(response.status).toBe(503);
    const body = (await response.json()) as { code: string; message: string };
    expect(body.code).toBe('MODEL_LOAD_FAILED');
    expect(body.message).toContain('model broken version 1 does not load');
  });
});
