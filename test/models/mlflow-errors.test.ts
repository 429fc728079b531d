/**
 * The MLflow routes' bad input, limits and roles against a real server: MLflow's error
 * codes and statuses, write-once params, log-batch limits (nothing written when refused),
 * bad filters, tokens (401), reader/writer roles (403), unknown endpoints, artifact paths
 * that climb, deprecated stage transitions and alias bookkeeping across rename and delete.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelStores } from '../../src/models/index.js';
import { MemoryStore } from '../../src/storage/index.js';
import { startTestApi, type TestApi } from '../api/helpers/api-harness.js';
import { call } from './helpers/mlflow-client.js';

describe('MLflow routes: errors, limits and roles', () => {
  let api: TestApi;
  let runId: string;
  beforeAll(async () => {
    api = await startTestApi({ seed: false });
    const { json } = await call(api, 'POST', 'runs/create', { experiment_id: '0' }, api.tokens.writer);
    runId = (json.run as { info: { run_id: string } }).info.run_id;
  });
  afterAll(async () => api?.close());

  it('answers unknown resources with RESOURCE_DOES_NOT_EXIST and 404', async () => {
    expect(await call(api, 'GET', 'runs/get?run_id=nope')).toEqual({
      status: 404,
      json: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Run with id=nope not found' },
    });
    expect((await call(api, 'GET', 'experiments/get?experiment_id=999')).status).toBe(404);
    expect((await call(api, 'GET', 'registered-models/get?name=none')).json.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
    expect((await call(api, 'GET', 'model-versions/get?name=none&version=1')).status).toBe(404);
    expect(
      (await call(api, 'POST', 'runs/log-metric', { run_id: 'nope', key: 'a', value: 1, timestamp: 1, step: 0 }))
        .status,
    ).toBe(404);
    expect(await call(api, 'GET', 'runs/nothing')).toMatchObject({
      status: 404,
      json: { error_code: 'ENDPOINT_NOT_FOUND' },
    });
  });

  it('keeps params write-once', async () => {
    expect((await call(api, 'POST', 'runs/log-parameter', { run_id: runId, key: 'lr', value: '0.1' })).status).toBe(
      200,
    );
    expect((await call(api, 'POST', 'runs/log-parameter', { run_id: runId, key: 'lr', value: '0.1' })).status).toBe(
      200,
    );
    const changed = await call(api, 'POST', 'runs/log-parameter', { run_id: runId, key: 'lr', value: '0.2' });
    expect(changed.status).toBe(400);
    expect(changed.json.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(changed.json.message).toContain('Changing param values is not allowed');
    expect(changed.json.message).toContain('"old_value":"0.1","new_value":"0.2"');
  });

  it('refuses log-batch over MLflow limits and writes nothing of it', async () => {
    const metrics = Array.from({ length: 1001 }, (_, i) => ({ key: 'm', value: i, timestamp: 1, step: i }));
    const tooMany = await call(api, 'POST', 'runs/log-batch', { run_id: runId, metrics });
    expect(tooMany).toMatchObject({ status: 400, json: { error_code: 'INVALID_PARAMETER_VALUE' } });
    expect(tooMany.json.message).toContain('at most 1000 metrics');
    const params = Array.from({ length: 101 }, (_, i) => ({ key: `p${i}`, value: 'x' }));
    expect((await call(api, 'POST', 'runs/log-batch', { run_id: runId, params })).json.message).toContain(
      'at most 100 params',
    );
    const tags = Array.from({ length: 101 }, (_, i) => ({ key: `t${i}`, value: 'x' }));
    expect((await call(api, 'POST', 'runs/log-batch', { run_id: runId, tags })).json.message).toContain(
      'at most 100 tags',
    );
    const long = await call(api, 'POST', 'runs/log-batch', {
      run_id: runId,
      params: [{ key: 'big', value: 'x'.repeat(6001) }],
    });
    expect(long.json.message).toContain('exceeds the maximum length of 6000');
    const badKey = await call(api, 'POST', 'runs/log-batch', {
      run_id: runId,
      metrics: [{ key: '../x', value: 1, timestamp: 1, step: 0 }],
    });
    expect(badKey.json.message).toContain("Invalid metric name: '../x'");
    // A batch refused in the middle (a changed param after good metrics) leaves nothing behind.
    const mixed = await call(api, 'POST', 'runs/log-batch', {
      run_id: runId,
      metrics: [{ key: 'partial', value: 1, timestamp: 1, step: 0 }],
      params: [{ key: 'lr', value: '0.3' }],
    });
    expect(mixed.status).toBe(400);
    const run = (await call(api, 'GET', `runs/get?run_id=${runId}`)).json.run as {
      data: { metrics: { key: string }[] };
    };
    expect(run.data.metrics.map((m) => m.key)).not.toContain('partial');
  });

  it('refuses bad filters, order_by and page tokens with INVALID_PARAMETER_VALUE', async () => {
    const bad = await call(api, 'POST', 'runs/search', { experiment_ids: ['0'], filter: "metrics.rmse < 'low'" });
    expect(bad).toMatchObject({ status: 400, json: { error_code: 'INVALID_PARAMETER_VALUE' } });
    expect(bad.json.message).toContain('Expected numeric value type for metric');
    expect(
      (await call(api, 'POST', 'runs/search', { experiment_ids: ['0'], order_by: ['metrics.rmse upward'] })).status,
    ).toBe(400);
    expect((await call(api, 'POST', 'runs/search', { experiment_ids: ['0'], page_token: 'garbage' })).status).toBe(400);
    expect((await call(api, 'POST', 'runs/search', { experiment_ids: ['0'], max_results: 50001 })).status).toBe(400);
  });

  it('answers name clashes with RESOURCE_ALREADY_EXISTS and 400', async () => {
    expect((await call(api, 'POST', 'experiments/create', { name: 'dup' })).status).toBe(200);
    expect(await call(api, 'POST', 'experiments/create', { name: 'dup' })).toMatchObject({
      status: 400,
      json: { error_code: 'RESOURCE_ALREADY_EXISTS', message: 'Experiment(name=dup) already exists.' },
    });
    expect((await call(api, 'POST', 'registered-models/create', { name: 'dup-model' })).status).toBe(200);
    expect((await call(api, 'POST', 'registered-models/create', { name: 'dup-model' })).json.error_code).toBe(
      'RESOURCE_ALREADY_EXISTS',
    );
  });

  it('applies tokens and roles: reader reads and searches, writer logs', async () => {
    expect(await call(api, 'GET', `runs/get?run_id=${runId}`, undefined, null)).toMatchObject({
      status: 401,
      json: { error_code: 'UNAUTHENTICATED' },
    });
    expect((await call(api, 'GET', `runs/get?run_id=${runId}`, undefined, api.tokens.reader)).status).toBe(200);
    expect((await call(api, 'POST', 'runs/search', { experiment_ids: ['0'] }, api.tokens.reader)).status).toBe(200);
    const write = await call(api, 'POST', 'runs/set-tag', { run_id: runId, key: 'k', value: 'v' }, api.tokens.reader);
    expect(write).toMatchObject({ status: 403, json: { error_code: 'PERMISSION_DENIED' } });
    const upload = await api.fetch('/api/2.0/mlflow-artifacts/artifacts/0/x.txt', {
      method: 'PUT',
      body: 'x',
      token: api.tokens.reader,
    });
    expect(upload.status).toBe(403);
    expect(
      (await call(api, 'POST', 'runs/set-tag', { run_id: runId, key: 'k', value: 'v' }, api.tokens.writer)).status,
    ).toBe(200);
  });

  it('refuses artifact paths that climb out of the artifact root', async () => {
    const climb = await api.fetch('/api/2.0/mlflow-artifacts/artifacts/0/..%2F..%2Fstrata.json', {
      token: api.tokens.reader,
    });
    expect(climb.status).toBe(400);
    expect(((await climb.json()) as { error_code: string }).error_code).toBe('INVALID_PARAMETER_VALUE');
    const missing = await api.fetch('/api/2.0/mlflow-artifacts/artifacts/0/none.txt', { token: api.tokens.reader });
    expect(missing.status).toBe(404);
  });

  it('serves the ajax-api prefix MLflow’s web UI uses', async () => {
    const response = await api.fetch(`/ajax-api/2.0/mlflow/runs/get?run_id=${runId}`);
    expect(response.status).toBe(200);
  });

  it('answers deprecated stage transitions and keeps aliases through rename and delete', async () => {
    await call(api, 'POST', 'registered-models/create', { name: 'stages', tags: [{ key: 'team', value: 'ml' }] });
    for (let i = 0; i < 3; i++)
      await call(api, 'POST', 'model-versions/create', {
        name: 'stages',
        source: `mlflow-artifacts:/0/v${i}`,
        run_id: runId,
      });
    await call(api, 'POST', 'model-versions/transition-stage', {
      name: 'stages',
      version: '1',
      stage: 'production',
      archive_existing_versions: false,
    });
    const moved = await call(api, 'POST', 'model-versions/transition-stage', {
      name: 'stages',
      version: '2',
      stage: 'Production',
      archive_existing_versions: true,
    });
    expect(moved.json).toMatchObject({ model_version: { version: '2', current_stage: 'Production' } });
    expect((await call(api, 'GET', 'model-versions/get?name=stages&version=1')).json).toMatchObject({
      model_version: { current_stage: 'Archived' },
    });
    expect(
      (await call(api, 'POST', 'model-versions/transition-stage', { name: 'stages', version: '2', stage: 'Live' }))
        .status,
    ).toBe(400);
    const latest = await call(api, 'POST', 'registered-models/get-latest-versions', {
      name: 'stages',
      stages: ['Production'],
    });
    expect((latest.json.model_versions as { version: string }[]).map((v) => v.version)).toEqual(['2']);

    await call(api, 'POST', 'registered-models/alias', { name: 'stages', alias: 'champion', version: '3' });
    await call(api, 'POST', 'registered-models/alias', { name: 'stages', alias: 'challenger', version: '2' });
    expect(
      (await call(api, 'POST', 'registered-models/alias', { name: 'stages', alias: 'champion', version: '9' })).status,
    ).toBe(404);
    expect((await call(api, 'POST', 'registered-models/rename', { name: 'stages', new_name: 'renamed' })).status).toBe(
      200,
    );
    const renamed = (await call(api, 'GET', 'registered-models/get?name=renamed')).json.registered_model as Record<
      string,
      unknown
    >;
    expect(renamed).toMatchObject({
      tags: [{ key: 'team', value: 'ml' }],
      aliases: [
        { alias: 'challenger', version: '2' },
        { alias: 'champion', version: '3' },
      ],
    });
    expect((await call(api, 'DELETE', 'model-versions/delete', { name: 'renamed', version: '3' })).status).toBe(200);
    expect((await call(api, 'GET', 'registered-models/alias?name=renamed&alias=champion')).status).toBe(404);
    const search = await call(api, 'GET', `model-versions/search?filter=${encodeURIComponent(`run_id = '${runId}'`)}`);
    expect((search.json.model_versions as { version: string }[]).map((v) => v.version)).toEqual(['2', '1']);
    const models = await call(api, 'GET', `registered-models/search?filter=${encodeURIComponent("name LIKE 'ren%'")}`);
    expect((models.json.registered_models as { name: string }[]).map((m) => m.name)).toEqual(['renamed']);
    // One function resolves every models:/ URI.
    const stores = await ModelStores.open(api.catalog.meta, { artifacts: new MemoryStore('memory://resolve') });
    expect((await stores.aliases.resolve('models:/renamed@challenger')).version).toBe(2);
    expect((await stores.aliases.resolve('models:/renamed/1')).currentStage).toBe('Archived');
    expect((await stores.aliases.resolve('models:/renamed/Production')).version).toBe(2);
    expect((await stores.aliases.resolve('models:/renamed/latest')).version).toBe(2);
    await expect(stores.aliases.resolve('models:/renamed@champion')).rejects.toThrow(/alias champion not found/);
    await expect(stores.aliases.resolve('models:/renamed/Staging')).rejects.toThrow(/in stage Staging/);
    expect((await call(api, 'DELETE', 'registered-models/delete', { name: 'renamed' })).status).toBe(200);
    expect((await call(api, 'GET', 'model-versions/get?name=renamed&version=1')).status).toBe(404);
  });
});
