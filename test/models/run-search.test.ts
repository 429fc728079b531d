/**
 * runs/search against a reference: seeded random runs (metrics sometimes missing,
 * params, tags, statuses), then filters and orders compiled to SQL must return exactly
 * what filtering and sorting the same runs in JavaScript returns, page by page (page
 * tokens never skip or repeat a run). On PGlite and PostgreSQL. The seed is printed;
 * STRATA_TEST_SEED replays one.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBackends } from '../meta/helpers/backends.js';
import { startTestApi, type TestApi } from '../api/helpers/api-harness.js';
import { call } from './helpers/mlflow-client.js';
import { seededRandom } from '../../src/core/index.js';

interface Spec {
  id: string;
  start: number;
  rmse?: number;
  auc: number;
  model: string;
  team: string;
  status: string;
}

const CASES: readonly {
  filter: string;
  orderBy: string[];
  keep: (r: Spec) => boolean;
  sort: (a: Spec, b: Spec) => number;
}[] = [
  {
    filter: "metrics.rmse < 0.5 and params.model = 'gbt'",
    orderBy: ['metrics.rmse ASC'],
    keep: (r) => r.rmse !== undefined && r.rmse < 0.5 && r.model === 'gbt',
    sort: (a, b) => a.rmse! - b.rmse!,
  },
  {
    filter: "tags.team = 'b' and attributes.status IN ('FINISHED', 'FAILED')",
    orderBy: ['metrics.rmse DESC'],
    keep: (r) => r.team === 'b' && (r.status === 'FINISHED' || r.status === 'FAILED'),
    // Runs without the metric sort last, whatever the direction.
    sort: (a, b) => (a.rmse === undefined ? 1 : 0) - (b.rmse === undefined ? 1 : 0) || (b.rmse ?? 0) - (a.rmse ?? 0),
  },
  {
    filter: "params.model LIKE 'g%' and metrics.auc >= 0.5",
    orderBy: ['metrics.auc ASC'],
    keep: (r) => r.model.startsWith('g') && r.auc >= 0.5,
    sort: (a, b) => a.auc - b.auc,
  },
  {
    filter: "params.model != 'rf' and tags.team ILIKE 'A'",
    orderBy: ['params.model DESC'],
    keep: (r) => r.model !== 'rf' && r.team === 'a',
    sort: (a, b) => b.model.localeCompare(a.model),
  },
  { filter: '', orderBy: [], keep: () => true, sort: () => 0 },
];

describeBackends('runs/search against a JavaScript reference', (backend) => {
  let api: TestApi;
  let dispose: () => Promise<void>;
  const specs: Spec[] = [];
  let experimentId: string;
  beforeAll(async () => {
    const setup = await backend.create();
    dispose = () => setup.dispose();
    api = await startTestApi({ backend: setup, seed: false });
    const seed = Number(process.env.STRATA_TEST_SEED ?? Date.now() % 1_000_000);
    console.log(`run-search seed: ${seed} (STRATA_TEST_SEED=${seed} to replay)`);
    const next = seededRandom(seed);
    experimentId = (await call(api, 'POST', 'experiments/create', { name: 'search' })).json.experiment_id as string;
    for (let i = 0; i < 40; i++) {
      const spec: Spec = {
        id: '',
        start: 1_700_000_000_000 + i * 1000,
        ...(next() < 0.8 ? { rmse: Math.round(next() * 1000) / 1000 } : {}),
        auc: Math.round(next() * 1000) / 1000,
        model: ['gbt', 'glm', 'rf'][Math.floor(next() * 3)]!,
        team: next() < 0.5 ? 'a' : 'b',
        status: ['FINISHED', 'FAILED', 'RUNNING'][Math.floor(next() * 3)]!,
      };
      const created = await call(api, 'POST', 'runs/create', {
        experiment_id: experimentId,
        start_time: spec.start,
        tags: [{ key: 'team', value: spec.team }],
      });
      spec.id = (created.json.run as { info: { run_id: string } }).info.run_id;
      const metrics = [
        { key: 'auc', value: spec.auc, timestamp: 1, step: 0 },
        // An older, larger rmse first: search must see the latest value only.
        ...(spec.rmse === undefined
          ? []
          : [
              { key: 'rmse', value: 99, timestamp: 1, step: 0 },
              { key: 'rmse', value: spec.rmse, timestamp: 2, step: 1 },
            ]),
      ];
      await call(api, 'POST', 'runs/log-batch', {
        run_id: spec.id,
        metrics,
        params: [{ key: 'model', value: spec.model }],
      });
      if (spec.status !== 'RUNNING')
        await call(api, 'POST', 'runs/update', { run_id: spec.id, status: spec.status, end_time: spec.start + 1 });
      specs.push(spec);
    }
  });
  afterAll(async () => {
    await api?.close();
    await dispose?.();
  });

  it.each(CASES.map((c) => [c.filter || '(no filter)', c] as const))('%s', async (_, c) => {
    const expected = specs
      .filter(c.keep)
      .sort((a, b) => c.sort(a, b) || b.start - a.start || a.id.localeCompare(b.id))
      .map((r) => r.id);
    const got: string[] = [];
    let token: string | undefined;
    do {
      const { status, json } = await call(api, 'POST', 'runs/search', {
        experiment_ids: [experimentId],
        filter: c.filter,
        order_by: c.orderBy,
        max_results: 7,
        ...(token === undefined ? {} : { page_token: token }),
      });
      expect(status).toBe(200);
      got.push(...((json.runs as { info: { run_id: string } }[] | undefined) ?? []).map((r) => r.info.run_id));
      token = json.next_page_token as string | undefined;
    } while (token !== undefined);
    expect(got).toEqual(expected);
  });
});
