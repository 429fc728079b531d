/**
 * Traffic policies and the promotion controller on a real metadata database: a policy
 * change recorded and seen at once, A/A and A/B experiments simulated through the
 * controller (seeded; the seed is printed, STRATA_TEST_SEED replays another), a guardrail
 * rollback, the validation gate, and a crash mid-experiment resumed by reopening.
 */
import { afterEach, expect, it } from 'vitest';
import { openMetaDatabase, type MetaDatabase } from '../../src/meta/index.js';
import { ExperimentStatus, ModelStores, monitoring, type PromotionGate } from '../../src/models/index.js';
import { MemoryStore } from '../../src/storage/index.js';
import { describeBackends, type BackendSetup } from '../meta/helpers/backends.js';

type PromotionConfig = monitoring.PromotionConfig;
const SEED = Number(process.env.STRATA_TEST_SEED ?? 1515);

const CONFIG: PromotionConfig = {
  metric: 'proportion',
  direction: 'higher-is-better',
  alpha: 0.05,
  tau: 0.02,
  minSamples: 200,
  guardrails: { maxErrorRate: 0.05, minRequests: 200 },
};

describeBackends('rollout', (backend) => {
  let setup: BackendSetup | undefined;
  let meta: MetaDatabase | undefined;

  afterEach(async () => {
    await meta?.close();
    await setup?.dispose();
    meta = undefined;
    setup = undefined;
  });

  async function open(gate?: PromotionGate): Promise<ModelStores> {
    meta = await openMetaDatabase({ warehouse: setup!.warehouse, env: setup!.env });
    return ModelStores.open(meta, {
      artifacts: new MemoryStore('memory://rollout'),
      ...(gate === undefined ? {} : { promotionGate: gate }),
    });
  }

  async function model(stores: ModelStores, name: string): Promise<void> {
    await stores.registry.createModel(name);
    for (let i = 0; i < 2; i++) await stores.registry.createVersion({ name, source: `memory://m/${i}` });
    await stores.aliases.setAlias(name, 'champion', 1);
    await stores.aliases.setAlias(name, 'challenger', 2);
  }

  /** One look's worth of conversions per arm (Bernoulli), as the prediction log would give them. */
  function chunk(
    random: monitoring.SeededRandom,
    n: number,
    rates: readonly [number, number],
  ): monitoring.Observation[] {
    return (['champion', 'challenger'] as const).map((arm, i) => {
      let sum = 0;
      for (let k = 0; k < n; k++) sum += random.next() < rates[i]! ? 1 : 0;
      return { kind: 'summary', arm, n, sum, sumSq: sum };
    });
  }

  it('records policy changes, which take effect at once', async () => {
    setup = await backend.create();
    const stores = await open();
    await model(stores, 'churn');
    expect(await stores.policies.route('churn', 'u1')).toBeUndefined();
    await stores.policies.set(
      'churn',
      { kind: 'shadow', serve: 1, shadow: 2, percent: 100 },
      { by: 'ana', reason: 'shadow' },
    );
    expect(await stores.policies.route('churn', 'u1')).toEqual({ serve: 1, shadow: 2 });
    await stores.policies.set(
      'churn',
      {
        kind: 'split',
        versions: [
          { version: 1, weight: 0 },
          { version: 2, weight: 1 },
        ],
      },
      { by: 'ana', reason: 'canary' },
    );
    expect(await stores.policies.route('churn', 'u1')).toEqual({ serve: 2 });
    await expect(
      stores.policies.set('churn', { kind: 'full', version: 9 }, { by: 'ana', reason: 'x' }),
    ).rejects.toThrow(/MODEL_NOT_FOUND/);
    const history = await stores.policies.history('churn');
    expect(history.map((c) => [c.revision, c.policy.kind, c.changedBy, c.reason])).toEqual([
      [1, 'shadow', 'ana', 'shadow'],
      [2, 'split', 'ana', 'canary'],
    ]);
    expect((await stores.policies.current('churn'))?.revision).toBe(2);
  });

  it('A/A: continuous looks do not promote; A/B: a known lift promotes and moves the champion alias', async () => {
    setup = await backend.create();
    const stores = await open();
    console.log(`seed ${SEED}`);
    const random = monitoring.seededRandom(SEED);
    await model(stores, 'aa');
    const aa = await stores.promotions.start({ model: 'aa', config: CONFIG, challengerPercent: 50, by: 'test' });
    expect((await stores.policies.current('aa'))?.policy.kind).toBe('split');
    await expect(stores.promotions.start({ model: 'aa', config: CONFIG, by: 'test' })).rejects.toThrow(
      /MODEL_ALREADY_EXISTS/,
    );
    let aaState = aa;
    for (let look = 0; look < 20; look++) aaState = await stores.promotions.look(aa.id, chunk(random, 500, [0.1, 0.1]));
    expect(aaState.status).toBe(ExperimentStatus.running);
    expect((await stores.promotions.looks(aa.id)).length).toBe(20);

    await model(stores, 'ab');
    const ab = await stores.promotions.start({ model: 'ab', config: CONFIG, challengerPercent: 50, by: 'test' });
    let abState = ab;
    for (let look = 0; look < 60 && abState.status === ExperimentStatus.running; look++)
      abState = await stores.promotions.look(ab.id, chunk(random, 1000, [0.1, 0.13]));
    expect(abState.status).toBe(ExperimentStatus.promoted);
    expect((await stores.aliases.versionByAlias('ab', 'champion')).version).toBe(2);
    expect((await stores.policies.current('ab'))?.policy).toEqual({ kind: 'full', version: 2 });
    const looks = await stores.promotions.looks(ab.id);
    const last = looks[looks.length - 1]!;
    expect(last.decision).toBe('promote');
    expect(last.statistic).toBeGreaterThanOrEqual(last.boundary);
    expect(looks.slice(0, -1).every((l) => l.decision === 'continue')).toBe(true);
    // A finished experiment only repeats its end.
    expect((await stores.promotions.look(ab.id, chunk(random, 10, [0, 1]))).status).toBe(ExperimentStatus.promoted);
    expect((await stores.promotions.looks(ab.id)).length).toBe(looks.length);
  });

  it('rolls back on a guardrail, and a refused validation gate blocks the promotion', async () => {
    setup = await backend.create();
    const gate: PromotionGate = ({ version }) =>
      Promise.resolve({ passed: false, reason: `version ${version} fails the accuracy gate` });
    const stores = await open(gate);
    await model(stores, 'guard');
    const g = await stores.promotions.start({ model: 'guard', config: CONFIG, challengerPercent: 10, by: 'test' });
    const requests: monitoring.Observation[] = Array.from({ length: 300 }, (_, i) => ({
      kind: 'request',
      arm: 'challenger',
      error: i % 10 === 0,
      latencyMs: 5,
    }));
    const ended = await stores.promotions.look(g.id, requests);
    expect(ended.status).toBe(ExperimentStatus.rolledBack);
    expect(ended.reason).toMatch(/error rate 0.1000 exceeds the guardrail 0.05/);
    expect((await stores.policies.current('guard'))?.policy).toEqual({ kind: 'full', version: 1 });
    expect((await stores.aliases.versionByAlias('guard', 'champion')).version).toBe(1);

    const random = monitoring.seededRandom(SEED + 1);
    await model(stores, 'gated');
    const e = await stores.promotions.start({ model: 'gated', config: CONFIG, by: 'test' });
    let state = e;
    for (let look = 0; look < 60 && state.status === ExperimentStatus.running; look++)
      state = await stores.promotions.look(e.id, chunk(random, 1000, [0.1, 0.15]));
    expect(state.status).toBe(ExperimentStatus.blocked);
    expect(state.reason).toMatch(/version 2 fails the accuracy gate/);
    expect((await stores.aliases.versionByAlias('gated', 'champion')).version).toBe(1);
  });

  it('resumes from the recorded state after a crash, also between a decision and its action', async () => {
    setup = await backend.create();
    let stores = await open();
    const random = monitoring.seededRandom(SEED + 2);
    await model(stores, 'crash');
    const e = await stores.promotions.start({ model: 'crash', config: CONFIG, challengerPercent: 50, by: 'test' });
    for (let look = 0; look < 3; look++) await stores.promotions.look(e.id, chunk(random, 300, [0.1, 0.1]));
    const before = await stores.promotions.get(e.id);
    await meta!.close();

    // The process dies while acting on its decision: the gate call never returns.
    let crash = true;
    stores = await open(() =>
      crash ? Promise.reject(new Error('killed')) : Promise.resolve({ passed: true, reason: 'ok' }),
    );
    const resumed = await stores.promotions.get(e.id);
    expect(resumed.state).toEqual(before.state);
    expect(resumed.state.looks).toBe(3);
    let failed = false;
    for (let look = 0; look < 60 && !failed; look++) {
      await stores.promotions.look(e.id, chunk(random, 1000, [0.1, 0.14])).catch(() => (failed = true));
    }
    expect(failed).toBe(true);
    expect((await stores.promotions.get(e.id)).status).toBe(ExperimentStatus.promoting);
    expect((await stores.aliases.versionByAlias('crash', 'champion')).version).toBe(1);
    await meta!.close();

    crash = false;
    stores = await open(() => Promise.resolve({ passed: true, reason: 'ok' }));
    const recovered = await stores.promotions.recover('crash');
    expect(recovered?.status).toBe(ExperimentStatus.promoted);
    expect((await stores.aliases.versionByAlias('crash', 'champion')).version).toBe(2);
    expect((await stores.promotions.list('crash')).map((x) => x.status)).toEqual([ExperimentStatus.promoted]);
    const looks = await stores.promotions.looks(e.id);
    expect(looks.map((l) => l.look)).toEqual(looks.map((_, i) => i + 1));
  });
});
