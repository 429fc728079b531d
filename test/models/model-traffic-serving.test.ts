/**
 * Champion/challenger traffic on the predict route, through a real server: a split is
 * sticky by key and near its weights over many keys; a shadow version scores every
 * request after the answer and is logged (`served = false`), never returned; a request
 * naming an alias or a version bypasses the policy; a policy change applies without a
 * restart.
 */
import * as path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DeltaTable } from '../../src/lake/index.js';
import { gbtEnsemble, parseGbtModel, predictBatch, type ModelStores } from '../../src/models/index.js';
import { startTestApi, type TestApi } from '../api/helpers/api-harness.js';
import { describeBackends, type BackendSetup } from '../meta/helpers/backends.js';
import { dataset, FEATURES, openModelStores, registerVersion, trainModel } from './helpers/model-fixtures.js';

const FLUSH_ROWS = 20;
const KEYS = 2_000;
const ROW = { x1: 0.4, x2: 0.6, x3: 0.2 };

interface Prediction {
  readonly version: number;
  readonly routed?: boolean;
  readonly alias?: string;
  readonly predictions: number[];
}

describeBackends('Traffic policies on the predict route', (backend) => {
  let setup: BackendSetup;
  let api: TestApi;
  let stores: ModelStores;
  /** Each key's version under the split. */
  const versions = new Map<string, number>();
  const champion = trainModel(dataset(400, 7));
  const challenger = trainModel(dataset(400, 9), { rounds: 7 });
  const expected = (file: string) =>
    predictBatch(
      gbtEnsemble(parseGbtModel(file)),
      FEATURES.map((f) => [ROW[f]]),
    )[0];

  const predict = async (body: Record<string, unknown>, query = ''): Promise<Prediction> => {
    const response = await api.fetch(`/v1/models/delays/predict${query}`, {
      method: 'POST',
      body: JSON.stringify({ rows: [ROW], ...body }),
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(200);
    return (await response.json()) as Prediction;
  };
  const setPolicy = async (policy: unknown) => {
    const response = await api.fetch('/v1/models/delays/traffic', {
      method: 'PUT',
      body: JSON.stringify({ policy, reason: 'test' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(200);
  };
  /** The predict route's policy cache follows a change within a second or so. */
  const waitFor = async (check: () => Promise<boolean>) => {
    for (let i = 0; i < 100 && !(await check()); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await check()).toBe(true);
  };

  beforeAll(async () => {
    setup = await backend.create();
    api = await startTestApi({
      backend: setup,
      seed: false,
      server: { models: { predictionLog: { flushRows: FLUSH_ROWS, flushIntervalMs: 50 } } },
    });
    stores = await openModelStores(api);
    await registerVersion(stores, 'delays', champion);
    await registerVersion(stores, 'delays', challenger);
    await stores.aliases.setAlias('delays', 'champion', 1);
    expect(expected(champion)).not.toBeCloseTo(expected(challenger)!, 6);
  });
  afterAll(async () => {
    await api?.close();
    await setup?.dispose();
  });

  it('serves the champion alias while the model has no policy', async () => {
    const answer = await predict({ key: 'user-1' });
    expect(answer).toMatchObject({ version: 1, alias: 'champion' });
    expect(answer.routed).toBeUndefined();
  });

  it('splits by key: sticky, near the weights, and bypassed by an explicit alias or version', async () => {
    await setPolicy({
      kind: 'split',
      versions: [
        { version: 1, weight: 80 },
        { version: 2, weight: 20 },
      ],
    });
    await waitFor(async () => (await predict({ key: 'probe' })).routed === true);
    for (let i = 0; i < KEYS; i++) {
      const answer = await predict({ key: `user-${i}` });
      expect(answer.routed).toBe(true);
      expect(answer.predictions[0]).toBeCloseTo(answer.version === 1 ? expected(champion)! : expected(challenger)!, 6);
      versions.set(`user-${i}`, answer.version);
    }
    const share = [...versions.values()].filter((v) => v === 2).length / KEYS;
    // 20% ± 4 standard deviations of a binomial share over 2,000 keys (±3.6%).
    expect(share).toBeGreaterThan(0.164);
    expect(share).toBeLessThan(0.236);
    for (const key of ['user-3', 'user-17', 'user-1999'])
      expect((await predict({ key })).version).toBe(versions.get(key));
    expect(await predict({ key: 'user-3' }, '?alias=champion')).toMatchObject({ version: 1, alias: 'champion' });
    expect((await predict({ key: 'user-3' }, '?version=2')).version).toBe(2);
  });

  it('mirrors every request to a shadow version: logged as not served, never returned', async () => {
    await setPolicy({ kind: 'shadow', serve: 1, shadow: 2, percent: 100 });
    // The change is in effect once a key the split sent to the challenger gets the champion.
    const challengerKey = [...versions].find(([, version]) => version === 2)![0];
    await waitFor(async () => (await predict({ key: challengerKey })).version === 1);
    const ids = Array.from({ length: FLUSH_ROWS }, (_, i) => `shadow-${i}`);
    for (const requestId of ids) {
      const answer = await predict({ requestId });
      expect(answer).toMatchObject({ version: 1, routed: true });
      expect(answer.predictions[0]).toBeCloseTo(expected(champion)!, 6);
    }
    const location = path.join(api.warehouse, 'models', 'prediction_log');
    let logged: Record<string, unknown>[] = [];
    await waitFor(async () => {
      if (!(await DeltaTable.exists(location))) return false;
      logged = (await (await DeltaTable.open(location)).rows()).filter((r) => ids.includes(String(r.request_id)));
      return logged.length === ids.length * 2;
    });
    const served = logged.filter((r) => r.served === true);
    const shadowed = logged.filter((r) => r.served === false);
    expect(served.map((r) => r.version)).toEqual(ids.map(() => 1));
    expect(shadowed.map((r) => r.version)).toEqual(ids.map(() => 2));
    for (const row of shadowed) expect(Number(row.prediction)).toBeCloseTo(expected(challenger)!, 6);
    expect(new Set(shadowed.map((r) => r.request_id))).toEqual(new Set(ids));
  });
});
