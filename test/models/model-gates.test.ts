/**
 * Validation gates through a real server on PGlite and PostgreSQL: a decision computed
 * from predictions on an evaluation Delta table, recorded with its numbers; pass, fail
 * and the borderline case (point estimate over the threshold, interval not: fails);
 * improvement over the champion, paired; the champion alias refused (Strata route: 409,
 * MLflow route: INVALID_PARAMETER_VALUE) without moving; decisions readable over REST.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { GateDecision, ModelStores } from '../../src/models/index.js';
import { startTestApi, type TestApi } from '../api/helpers/api-harness.js';
import { describeBackends, type BackendSetup } from '../meta/helpers/backends.js';
import { call } from './helpers/mlflow-client.js';
import { dataset, openModelStores, registerVersion, trainModel, valuesSql } from './helpers/model-fixtures.js';

describeBackends('Validation gates', (backend) => {
  let setup: BackendSetup;
  let api: TestApi;
  let stores: ModelStores;
  const json = (method: string, pathAndQuery: string, body?: unknown) =>
    api.fetch(pathAndQuery, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
  const setGate = async (rules: unknown[]) =>
    expect(
      (await json('PUT', '/v1/models/gated/gate', { table: 'eval_set', label: 'label', rules, resamples: 300 })).status,
    ).toBe(200);
  const evaluate = async (version: number): Promise<GateDecision> => {
    const response = await json('POST', `/v1/models/gated/versions/${version}/evaluate`);
    expect(response.status).toBe(200);
    return (await response.json()) as GateDecision;
  };
  const champion = async () => (await stores.aliases.versionByAlias('gated', 'champion')).version;

  beforeAll(async () => {
    setup = await backend.create();
    api = await startTestApi({ backend: setup, seed: false });
    stores = await openModelStores(api);
    await api.sql(`CREATE TABLE eval_set (x1 DOUBLE, x2 DOUBLE, x3 DOUBLE, label INTEGER)`);
    await api.sql(`INSERT INTO eval_set VALUES ${valuesSql(dataset(400, 99))}`);
    const train = dataset(1500, 5);
    await registerVersion(stores, 'gated', trainModel(train)); // 1: good
    await registerVersion(stores, 'gated', trainModel(train, { rounds: 1, maxDepth: 1 })); // 2: weak
    await registerVersion(stores, 'gated', trainModel(train, { rounds: 60, maxDepth: 4 })); // 3: good too
  });
  afterAll(async () => {
    await api?.close();
    await setup?.dispose();
  });

  it('needs a passing decision before a version of a gated model takes champion', async () => {
    await setGate([{ kind: 'absolute', metric: 'auc', threshold: 0.5 }]);
    const refused = await json('PUT', '/v1/models/gated/aliases/champion', { version: 1 });
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ code: 'MODEL_GATE_REFUSED' });
    const decision = await evaluate(1);
    expect(decision).toMatchObject({ name: 'gated', version: 1, passed: true, table: 'main.eval_set', rows: 400 });
    expect(decision.championVersion).toBeNull();
    expect((await json('PUT', '/v1/models/gated/aliases/champion', { version: 1 })).status).toBe(200);
    expect(await champion()).toBe(1);
    // Other aliases are not gated.
    expect((await json('PUT', '/v1/models/gated/aliases/challenger', { version: 2 })).status).toBe(200);
  });

  it('passes when the interval clears the threshold and fails on the borderline', async () => {
    await setGate([{ kind: 'absolute', metric: 'auc', threshold: 0.5 }]);
    const first = await evaluate(1);
    const { lower, estimate, upper } = first.results[0]!;
    expect(lower).toBeLessThan(estimate);
    expect(estimate).toBeLessThan(upper);
    await setGate([{ kind: 'absolute', metric: 'auc', threshold: lower - 1e-9 }]);
    const pass = await evaluate(1);
    expect(pass.passed).toBe(true);
    expect(pass.results[0]).toMatchObject({ lower, upper, estimate }); // seeded: the same numbers again
    // Borderline: the point estimate clears the threshold, the interval does not.
    await setGate([{ kind: 'absolute', metric: 'auc', threshold: (lower + estimate) / 2 }]);
    expect((await evaluate(1)).passed).toBe(false);
    // Errors must stay under their threshold: the upper end decides.
    await setGate([{ kind: 'absolute', metric: 'rmse', threshold: 1 }]);
    expect((await evaluate(1)).passed).toBe(true);
    await setGate([{ kind: 'absolute', metric: 'rmse', threshold: 0.01 }]);
    const failed = await evaluate(1);
    expect(failed.passed).toBe(false);
    // Version 1's latest decision failed: it cannot take champion again, and champion stays put.
    await stores.aliases.deleteAlias('gated', 'champion');
    expect((await json('PUT', '/v1/models/gated/aliases/champion', { version: 1 })).status).toBe(409);
    await expect(champion()).rejects.toThrow(/not found/);
  });

  it('compares with the champion on the same resampled rows', async () => {
    await setGate([{ kind: 'absolute', metric: 'auc', threshold: 0.5 }]);
    await evaluate(1);
    expect((await json('PUT', '/v1/models/gated/aliases/champion', { version: 1 })).status).toBe(200);
    await setGate([
      { kind: 'absoluteImprovement', metric: 'auc', threshold: 0 },
      { kind: 'relativeImprovement', metric: 'logloss', threshold: -0.5 },
    ]);
    const weak = await evaluate(2);
    expect(weak).toMatchObject({ version: 2, championVersion: 1, passed: false });
    const [auc] = weak.results;
    expect(auc!.estimate).toBeCloseTo(auc!.candidate - auc!.champion!, 12);
    expect(auc!.upper).toBeLessThan(0);
    // The MLflow alias route refuses too, in MLflow's shape, and the alias stays on 1.
    const mlflow = await call(api, 'POST', 'registered-models/alias', {
      name: 'gated',
      alias: 'champion',
      version: '2',
    });
    expect(mlflow).toMatchObject({ status: 400, json: { error_code: 'INVALID_PARAMETER_VALUE' } });
    expect(String(mlflow.json.message)).toContain('cannot take the champion alias');
    expect(await champion()).toBe(1);
    // Against itself the gain is exactly zero on every resample: the interval is [0, 0].
    const self = await evaluate(1);
    expect(self.results[0]).toMatchObject({ estimate: 0, lower: 0, upper: 0, passed: true });
  });

  it('keeps every decision with its numbers', async () => {
    const response = await json('GET', '/v1/models/gated/gate/decisions?version=2');
    expect(response.status).toBe(200);
    const { decisions } = (await response.json()) as { decisions: GateDecision[] };
    expect(decisions.length).toBeGreaterThan(0);
    expect(decisions.every((d) => d.version === 2)).toBe(true);
    expect(decisions[0]).toMatchObject({
      passed: false,
      championVersion: 1,
      resamples: 300,
      seed: 1,
      confidence: 0.95,
    });
    expect(decisions[0]!.results[0]).toHaveProperty('champion');
    const all = (await (await json('GET', '/v1/models/gated/gate/decisions')).json()) as { decisions: GateDecision[] };
    expect(all.decisions.map((d) => d.id)).toEqual([...all.decisions.map((d) => d.id)].sort((a, b) => b - a));
    const gate = (await (await json('GET', '/v1/models/gated/gate')).json()) as { gate: { rules: unknown[] } };
    expect(gate.gate.rules).toHaveLength(2);
  });

  it('refuses a bad gate and a reader', async () => {
    expect((await json('PUT', '/v1/models/gated/gate', { table: 'eval_set', label: 'label', rules: [] })).status).toBe(
      400,
    );
    const badMetric = { table: 'eval_set', label: 'label', rules: [{ kind: 'absolute', metric: 'f1', threshold: 1 }] };
    expect((await json('PUT', '/v1/models/gated/gate', badMetric)).status).toBe(400);
    const noTable = { table: 'nope', label: 'label', rules: [{ kind: 'absolute', metric: 'auc', threshold: 1 }] };
    expect((await json('PUT', '/v1/models/gated/gate', noTable)).status).toBe(404);
    const reader = await api.fetch('/v1/models/gated/versions/1/evaluate', {
      method: 'POST',
      token: api.tokens.reader,
    });
    expect(reader.status).toBe(403);
  });
});
