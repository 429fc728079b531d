/** Drift rules, data quality and the domain classifier on seeded known distributions (seeds printed). */
import { describe, expect, it } from 'vitest';
import {
  dataQuality,
  domainClassifierDrift,
  featureDrift,
  isStrataErrorOfMonitoring,
  ksTwoSample,
  normalSample,
  seededRandom,
  type DriftMode,
} from './monitoring-test-entry.js';

const SEED = Number(process.env.STRATA_TEST_SEED ?? 151);

describe('feature drift', () => {
  it('raises no-drift false alarms at about the configured rate (KS at p < 0.05, 400 trials)', () => {
    console.log(`seed ${SEED}`);
    const random = seededRandom(SEED);
    let alarms = 0;
    const trials = 400;
    for (let t = 0; t < trials; t++) {
      const r = normalSample(random, 200);
      const c = normalSample(random, 150);
      if (ksTwoSample(r, c).pValue < 0.05) alarms++;
    }
    // Binomial(400, 0.05): mean 20, sd 4.4; KS's exact test is slightly conservative.
    expect(alarms).toBeGreaterThanOrEqual(6);
    expect(alarms).toBeLessThanOrEqual(33);
  });

  it('detects a known shift in every mode, and keeps quiet without one', () => {
    console.log(`seed ${SEED + 1}`);
    const random = seededRandom(SEED + 1);
    const modes: DriftMode[] = [
      { kind: 'evidently' },
      { kind: 'size-independent', threshold: 'effect-size' },
      { kind: 'size-independent', threshold: 'learned' },
    ];
    for (const size of [500, 5000]) {
      const reference = { kind: 'numeric' as const, values: normalSample(random, size) };
      const same = { kind: 'numeric' as const, values: normalSample(random, 500) };
      const shifted = { kind: 'numeric' as const, values: normalSample(random, 500, 0.5) };
      for (const mode of modes) {
        expect(featureDrift(reference, shifted, mode).drifted, `${mode.kind} ${size}`).toBe(true);
        expect(featureDrift(reference, same, mode).drifted, `${mode.kind} ${size}`).toBe(false);
      }
      const evidently = featureDrift(reference, shifted, { kind: 'evidently' });
      expect(evidently.test).toBe(size <= 1000 ? 'ks' : 'wasserstein-normed');
    }
  });

  it('picks chi-squared, the z-test or Jensen–Shannon for categories as Evidently does', () => {
    const random = seededRandom(SEED + 2);
    const pick = (n: number, shares: number[], names: string[]) =>
      Array.from({ length: n }, () => {
        let u = random.next();
        for (let i = 0; i < shares.length; i++) if ((u -= shares[i]!) < 0) return names[i]!;
        return names[names.length - 1]!;
      });
    const three = ['x', 'y', 'z'];
    const small = featureDrift(
      { kind: 'categorical', values: pick(600, [0.5, 0.3, 0.2], three) },
      { kind: 'categorical', values: pick(400, [0.3, 0.3, 0.4], three) },
      { kind: 'evidently' },
    );
    expect([small.test, small.drifted]).toEqual(['chi-squared', true]);
    const binary = featureDrift(
      { kind: 'categorical', values: pick(600, [0.5, 0.5], ['a', 'b']) },
      { kind: 'categorical', values: pick(400, [0.5, 0.5], ['a', 'b']) },
      { kind: 'evidently' },
    );
    expect(binary.test).toBe('z-test');
    const large = featureDrift(
      { kind: 'categorical', values: pick(3000, [0.5, 0.3, 0.2], three) },
      { kind: 'categorical', values: pick(1000, [0.2, 0.3, 0.5], three) },
      { kind: 'evidently' },
    );
    expect([large.test, large.drifted]).toEqual(['jensen-shannon', true]);
  });

  it('KS exact p-values of tiny samples, checked by hand (every ordering is equally likely)', () => {
    // Separated samples of 3: 2 of the C(6,3) = 20 orderings give D = 1.
    expect(ksTwoSample([1, 2, 3], [4, 5, 6])).toMatchObject({ statistic: 1, method: 'exact' });
    expect(ksTwoSample([1, 2, 3], [4, 5, 6]).pValue).toBeCloseTo(0.1, 12);
    // Interleaved: D = 1/4 is the smallest possible, so every ordering has D ≥ d.
    expect(ksTwoSample([1, 3, 5, 7], [2, 4, 6])).toMatchObject({ statistic: 0.25, pValue: 1 });
  });

  it('refuses mismatched kinds and empty samples with a typed error', () => {
    expect(() =>
      featureDrift({ kind: 'numeric', values: [1, 2] }, { kind: 'categorical', values: ['a'] }),
    ).toThrowError(/MONITOR_INVALID_INPUT/);
    try {
      ksTwoSample([], [1]);
      expect.unreachable();
    } catch (error) {
      expect(isStrataErrorOfMonitoring(error)).toBe(true);
    }
  });
});

describe('data quality', () => {
  it('counts nulls, out-of-range values and unseen categories', () => {
    const numeric = dataQuality(
      { kind: 'numeric', values: [0, 1, 2, NaN] },
      { kind: 'numeric', values: [NaN, -1, 1, 3, 2] },
    );
    expect(numeric).toMatchObject({ rows: 5, nullShare: 0.2, referenceNullShare: 0.25, outOfRangeShare: 0.5 });
    const categories = dataQuality(
      { kind: 'categorical', values: ['a', 'b', null] },
      { kind: 'categorical', values: ['a', 'c', 'd', 'c', null] },
    );
    expect(categories).toMatchObject({ nullShare: 0.2, unseenCategories: ['c', 'd'], unseenShare: 0.75 });
  });
});

describe('domain classifier', () => {
  it('finds a changed correlation no single feature shows, and nothing in identical data', () => {
    console.log(`seed ${SEED + 3}`);
    const random = seededRandom(SEED + 3);
    const rows = (n: number, rho: number) =>
      Array.from({ length: n }, () => {
        const x = random.normal();
        return [x, rho * x + Math.sqrt(1 - rho * rho) * random.normal()];
      });
    const reference = rows(400, 0.8);
    const drifted = domainClassifierDrift(reference, rows(400, -0.8), { random, permutations: 20 });
    expect(drifted.drifted).toBe(true);
    expect(drifted.auc).toBeGreaterThan(0.7);
    const quiet = domainClassifierDrift(reference, rows(400, 0.8), { random, permutations: 20 });
    expect(quiet.auc).toBeLessThan(0.6);
  });
});
