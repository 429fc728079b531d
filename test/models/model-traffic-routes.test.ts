/**
 * The traffic routes through a real server: a writer sets a policy (recorded with its
 * token's name, seen at once by the router), a reader may read but not change it, a
 * malformed policy is a 400 naming the problem, and an experiment's looks are listed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelStores } from '../../src/models/index.js';
import { MemoryStore } from '../../src/storage/index.js';
import { startTestApi, type TestApi } from '../api/helpers/api-harness.js';

describe('model traffic routes', () => {
  let api: TestApi;
  let stores: ModelStores;

  beforeAll(async () => {
    api = await startTestApi({ seed: false });
    stores = await ModelStores.open(api.catalog.meta, { artifacts: new MemoryStore('memory://traffic') });
    await stores.registry.createModel('churn');
    for (let i = 0; i < 2; i++) await stores.registry.createVersion({ name: 'churn', source: `memory://m/${i}` });
    await stores.aliases.setAlias('churn', 'champion', 1);
    await stores.aliases.setAlias('churn', 'challenger', 2);
  }, 120_000);

  afterAll(async () => api?.close());

  const put = (body: unknown, token?: string) =>
    api.fetch('/v1/models/churn/traffic', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      ...(token === undefined ? {} : { token }),
    });

  it('sets, records and reads policies; readers may only read', async () => {
    const set = await put(
      { policy: { kind: 'shadow', serve: 1, shadow: 2, percent: 100 }, reason: 'shadow first' },
      api.tokens.writer,
    );
    expect(set.status).toBe(200);
    expect(await set.json()).toMatchObject({
      revision: 1,
      policy: { kind: 'shadow', serve: 1, shadow: 2, percent: 100 },
      reason: 'shadow first',
    });
    // Another process's stores (this one) read the server's change from the database: no restart.
    expect(await stores.policies.route('churn', 'u1')).toEqual({ serve: 1, shadow: 2 });

    expect((await put({ policy: { kind: 'full', version: 2 } }, api.tokens.reader)).status).toBe(403);
    const bad = await put({ policy: { kind: 'split', versions: [] } }, api.tokens.writer);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toMatch(/versions must list weighted versions/);

    const experiment = await stores.promotions.start({
      model: 'churn',
      config: {
        metric: 'proportion',
        direction: 'higher-is-better',
        alpha: 0.05,
        tau: 0.02,
        minSamples: 10,
        guardrails: { minRequests: 10 },
      },
      challengerPercent: 20,
      by: 'test',
    });
    await stores.promotions.look(experiment.id, [
      { kind: 'summary', arm: 'champion', n: 100, sum: 10, sumSq: 10 },
      { kind: 'summary', arm: 'challenger', n: 100, sum: 11, sumSq: 11 },
    ]);
    const view = (await (await api.fetch('/v1/models/churn/traffic', { token: api.tokens.reader })).json()) as {
      current: { revision: number; policy: { kind: string } };
      history: { revision: number; changedBy: string }[];
      experiments: { status: string; looks: { look: number; decision: string; championN: number }[] }[];
    };
    expect(view.current).toMatchObject({ revision: 2, policy: { kind: 'split' } });
    expect(view.history.map((c) => c.revision)).toEqual([1, 2]);
    expect(view.history[0]!.changedBy).toMatch(/^writer-/);
    expect(view.experiments[0]).toMatchObject({
      status: 'running',
      looks: [{ look: 1, decision: 'continue', championN: 100 }],
    });
    expect((await api.fetch('/v1/models/nope/traffic')).status).toBe(404);
  });
});
