/**
 * The request sequences the MLflow Python client sends (fixtures/mlflow-python-client.json)
 * replayed against a real listening Strata server, on PGlite and PostgreSQL: the
 * experiment, run, params, metrics, artifact, search, registration and alias they
 * create are then read back, the artifact's bytes through the artifact proxy.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBackends } from '../meta/helpers/backends.js';
import { startTestApi, type TestApi } from '../api/helpers/api-harness.js';
import { call, replay, type FixtureSequence } from './helpers/mlflow-client.js';

const FIXTURES = JSON.parse(readFileSync(new URL('./fixtures/mlflow-python-client.json', import.meta.url), 'utf8')) as {
  sequences: FixtureSequence[];
};

describeBackends('MLflow Python client requests', (backend) => {
  let api: TestApi;
  const vars = new Map<string, string>();
  beforeAll(async () => {
    const setup = await backend.create();
    api = await startTestApi({ backend: setup, seed: false });
    const close = api.close;
    api = { ...api, close: async () => (await close(), await setup.dispose()) };
  });
  afterAll(async () => api?.close());

  it('answers every call of the fixtures as MLflow does, with a writer token', async () => {
    for (const sequence of FIXTURES.sequences) await replay(api, sequence, vars, api.tokens.writer);
  });

  it('stored what the client logged', async () => {
    const runId = vars.get('run_id')!;
    const { json } = await call(api, 'GET', `runs/get?run_id=${runId}`, undefined, api.tokens.reader);
    const run = json.run as { data: { params: unknown[]; tags: { key: string }[] } };
    expect(run.data.params).toEqual([
      { key: 'depth', value: '6' },
      { key: 'lr', value: '0.1' },
      { key: 'model', value: 'gbt' },
    ]);
    expect(run.data.tags.map((t) => t.key)).toContain('mlflow.source.name');
    const history = await call(
      api,
      'GET',
      `metrics/get-history?run_id=${runId}&metric_key=rmse`,
      undefined,
      api.tokens.reader,
    );
    expect(history.json).toEqual({
      metrics: [
        { key: 'rmse', value: 0.8, timestamp: 1700000001000, step: 0 },
        { key: 'rmse', value: 0.5, timestamp: 1700000002000, step: 1 },
      ],
    });
    const listed = await call(api, 'GET', `artifacts/list?run_id=${runId}&path=model`, undefined, api.tokens.reader);
    expect(listed.json).toMatchObject({ files: [{ path: 'model/model.txt', is_dir: false, file_size: 20 }] });
    const root = await api.fetch(
      `/api/2.0/mlflow-artifacts/artifacts?path=${vars.get('experiment_id')}/${runId}/artifacts`,
      {
        token: api.tokens.reader,
      },
    );
    expect(await root.json()).toEqual({ files: [{ path: 'model', is_dir: true }] });
    const bytes = await api.fetch(
      `/api/2.0/mlflow-artifacts/artifacts/${vars.get('experiment_id')}/${runId}/artifacts/model/model.txt`,
      {
        token: api.tokens.reader,
      },
    );
    expect(await bytes.text()).toBe('trees: 100\ndepth: 6\n');
    const byUri = await api.server.app.inject({
      method: 'GET',
      url: '/api/2.0/mlflow/model-versions/get-download-uri?name=churn&version=1',
      headers: { authorization: `Bearer ${api.tokens.reader}` },
    });
    expect(byUri.json()).toEqual({
      artifact_uri: `mlflow-artifacts:/${vars.get('experiment_id')}/${runId}/artifacts/model`,
    });
  });
});
