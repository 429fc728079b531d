/**
 * Each statistic against SciPy's value for the same seeded samples (fixture script
 * fixtures/scipy-reference.py). Skipped locally when python3 has no SciPy; CI (CI=true)
 * installs Debian's python3-scipy, so there a missing SciPy fails.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  categoryShares,
  chiSquaredSf,
  chiSquaredTest,
  classificationMetrics,
  jensenShannonDistance,
  ksTwoSample,
  normalQuantile,
  normalSf,
  normalizedWasserstein,
  proportionZTest,
  psi,
  wassersteinDistance,
} from '../../../src/models/monitoring/index.js';

const python = process.env.STRATA_PYTHON ?? 'python3';
const hasScipy = spawnSync(python, ['-c', 'import scipy, numpy'], { stdio: 'ignore' }).status === 0;
const seed = Number(process.env.STRATA_TEST_SEED ?? 20261203);

interface Reference {
  numeric: Array<Record<string, number> & { reference: number[]; current: number[] }>;
  categorical: Array<Record<string, number> & { reference: string[]; current: string[] }>;
  special: { chi2_sf: number[][]; norm_sf: number[][]; norm_ppf: number[][] };
  metrics: { labels: number[]; scores: number[]; auc: number; log_loss: number; accuracy: number };
}

function load(): Reference {
  console.log(`scipy reference seed ${seed}`);
  const out = execFileSync(python, [join(import.meta.dirname, 'fixtures/scipy-reference.py'), String(seed)], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out.toString()) as Reference;
}

const close = (actual: number, expected: number, rel: number, abs = 1e-12) =>
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(abs + rel * Math.abs(expected));

describe.skipIf(!hasScipy && process.env.CI !== 'true')('monitoring statistics vs SciPy', () => {
  // Loaded on first use: a skipped suite's body still runs when tests are collected.
  let cached: Reference | undefined;
  const ref = (): Reference => (cached ??= load());

  it('KS: statistic, exact p-values (and the asymptotic law for large samples)', () => {
    for (const c of ref().numeric) {
      const ks = ksTwoSample(c.reference, c.current);
      close(ks.statistic, c.ks_statistic!, 1e-12);
      if (ks.method === 'exact') close(ks.pValue, c.ks_pvalue!, 1e-7, 1e-12);
      else {
        close(ks.pValue, c.ks_asymp_kolmogorov!, 1e-9);
        close(ks.pValue, c.ks_pvalue!, 0.05, 1e-3);
      }
    }
    expect(ref().numeric.some((c) => ksTwoSample(c.reference, c.current).method === 'asymptotic')).toBe(true);
  });

  it('Wasserstein and its normalized form', () => {
    for (const c of ref().numeric) {
      close(wassersteinDistance(c.reference, c.current), c.wasserstein!, 1e-10);
      close(normalizedWasserstein(c.reference, c.current), c.wasserstein_normed!, 1e-10);
    }
  });

  it('chi-squared, PSI, Jensen–Shannon and the proportion z-test on categories', () => {
    for (const c of ref().categorical) {
      const chi = chiSquaredTest(c.reference, c.current);
      close(chi.statistic, c.chi2_statistic!, 1e-10);
      close(chi.pValue, c.chi2_pvalue!, 1e-8);
      const shares = categoryShares(c.reference, c.current);
      close(psi(shares), c.psi!, 1e-10);
      close(jensenShannonDistance(shares), c.js!, 1e-10);
      close(proportionZTest(c.reference, c.current, 'a').pValue, c.z_pvalue_a_vs_rest!, 1e-8);
    }
  });

  it('special functions: chi² survival, normal survival and quantile', () => {
    for (const [x, df, sf] of ref().special.chi2_sf) close(chiSquaredSf(x!, df!), sf!, 1e-9);
    for (const [z, sf] of ref().special.norm_sf) close(normalSf(z!), sf!, 1e-9);
    for (const [p, q] of ref().special.norm_ppf) close(normalQuantile(p!), q!, 1e-9);
  });

  it('realized classification metrics: accuracy, AUC, log loss', () => {
    const m = classificationMetrics(ref().metrics.labels, ref().metrics.scores);
    close(m.auc, ref().metrics.auc, 1e-12);
    close(m.logLoss, ref().metrics.log_loss, 1e-12);
    close(m.accuracy, ref().metrics.accuracy, 1e-12);
  });
});
