/**
 * Gate statistics against an independent computation: for every metric and rule kind,
 * the point estimate and the bootstrap percentile interval Strata computes equal what
 * scikit-learn and numpy compute on the same resampled rows (Debian's python3 with
 * scikit-learn; STRATA_PYTHON overrides). Seeded (STRATA_TEST_SEED overrides the data's
 * seed; default fixed). Also: a rule fails when its interval straddles the threshold.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bootstrapIndices, evaluateRules, GATE_METRICS, type GateRule } from '../../src/models/index.js';
import { seededRandom } from '../../src/core/index.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PYTHON = process.env.STRATA_PYTHON ?? '/usr/bin/python3';
const SEED = Number(process.env.STRATA_TEST_SEED ?? 20261203);

describe('gate statistics against scikit-learn and numpy', () => {
  console.log(`gate-bootstrap seed ${SEED} (STRATA_TEST_SEED overrides)`);
  const random = seededRandom(SEED);
  const n = 250;
  const labels = Float64Array.from({ length: n }, () => (random() < 0.4 ? 1 : 0));
  // Scores rounded to 2 decimals so ties occur (AUC's average ranks are exercised).
  const score = (skill: number) =>
    Float64Array.from(
      labels,
      (y) => Math.round(Math.min(0.999, Math.max(0.001, 0.5 + skill * (y - 0.5) + (random() - 0.5) * 0.8)) * 100) / 100,
    );
  const candidate = score(0.6);
  const champion = score(0.4);
  const kinds = ['absolute', 'absoluteImprovement', 'relativeImprovement'] as const;
  const rules: GateRule[] = GATE_METRICS.flatMap((metric) => kinds.map((kind) => ({ kind, metric, threshold: 0 })));
  const input = { rules, labels, candidate, champion, confidence: 0.9, resamples: 120, seed: 7 };

  it('matches point estimates and percentile intervals exactly', () => {
    const ours = evaluateRules(input);
    const indices = [...bootstrapIndices(n, input.resamples, input.seed)].map((r) => Array.from(r));
    const reference = JSON.parse(
      execFileSync(PYTHON, [path.join(HERE, 'gate-bootstrap-reference.py')], {
        input: JSON.stringify({
          labels: Array.from(labels),
          candidate: Array.from(candidate),
          champion: Array.from(champion),
          confidence: input.confidence,
          rules,
          indices,
        }),
        maxBuffer: 1 << 26,
      }).toString(),
    ) as { estimate: number; lower: number; upper: number }[];
    ours.forEach((result, i) => {
      const label = `${result.rule.kind} ${result.rule.metric}`;
      expect(result.estimate, label).toBeCloseTo(reference[i]!.estimate, 9);
      expect(result.lower, label).toBeCloseTo(reference[i]!.lower, 9);
      expect(result.upper, label).toBeCloseTo(reference[i]!.upper, 9);
    });
  });

  it('passes only when the whole interval clears the threshold', () => {
    const [auc] = evaluateRules({ ...input, rules: [{ kind: 'absolute', metric: 'auc', threshold: 0 }] });
    const at = (threshold: number) =>
      evaluateRules({ ...input, rules: [{ kind: 'absolute', metric: 'auc', threshold }] })[0]!.passed;
    expect(at(auc!.lower)).toBe(true);
    expect(at((auc!.lower + auc!.estimate) / 2)).toBe(false);
    const [rmse] = evaluateRules({ ...input, rules: [{ kind: 'absolute', metric: 'rmse', threshold: 0 }] });
    const under = (threshold: number) =>
      evaluateRules({ ...input, rules: [{ kind: 'absolute', metric: 'rmse', threshold }] })[0]!.passed;
    expect(under(rmse!.upper)).toBe(true);
    expect(under((rmse!.upper + rmse!.estimate) / 2)).toBe(false);
  });

  it('passes improvement rules when there is no champion, saying so', () => {
    const [result] = evaluateRules({
      ...input,
      champion: undefined,
      rules: [{ kind: 'absoluteImprovement', metric: 'auc', threshold: 0.5 }],
    });
    expect(result).toMatchObject({ passed: true, note: 'no champion to improve on' });
  });
});
