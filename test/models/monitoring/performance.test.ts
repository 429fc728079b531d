/** CBPE: performance estimated without labels tracks the realized one under covariate shift (seeded). */
import { describe, expect, it } from 'vitest';
import {
  calibrate,
  classificationMetrics,
  estimatePerformance,
  fitIsotonic,
  fitPlatt,
  regressionMetrics,
  seededRandom,
} from './monitoring-test-entry.js';

const SEED = Number(process.env.STRATA_TEST_SEED ?? 1516);

/** Labels from a known logistic concept; the model's score is a miscalibrated (overconfident) version of it. */
function population(seed: number, n: number, shift: number) {
  const random = seededRandom(seed);
  const labels = new Float64Array(n);
  const scores = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = random.normal() + shift;
    const p = 1 / (1 + Math.exp(-1.5 * x));
    labels[i] = random.next() < p ? 1 : 0;
    scores[i] = 1 / (1 + Math.exp(-3 * x));
  }
  return { labels, scores };
}

describe('CBPE', () => {
  it('estimates accuracy on shifted, unlabelled data within 2 points of the realized accuracy', () => {
    console.log(`seed ${SEED}`);
    const reference = population(SEED, 5000, 0);
    for (const kind of ['isotonic', 'platt'] as const) {
      // Platt scaling is logistic in its input: give it the model's margin (logit), cut at 0.
      const input = (scores: Float64Array) => (kind === 'isotonic' ? scores : scores.map((p) => Math.log(p / (1 - p))));
      const calibration =
        kind === 'isotonic'
          ? fitIsotonic(reference.labels, reference.scores)
          : fitPlatt(reference.labels, input(reference.scores));
      for (const shift of [0, 1]) {
        const current = population(SEED + 10 + shift, 5000, shift);
        const estimated = estimatePerformance(calibration, input(current.scores), kind === 'isotonic' ? 0.5 : 0);
        const realized = classificationMetrics(current.labels, current.scores);
        expect(Math.abs(estimated.accuracy - realized.accuracy), `${kind} shift ${shift}`).toBeLessThan(0.02);
      }
    }
  });

  it('isotonic calibration is monotone and pools violators', () => {
    const calibration = fitIsotonic([0, 1, 0, 1, 1], [0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(calibration).toEqual({ kind: 'isotonic', thresholds: [0.1, 0.3, 0.5], values: [0, 0.5, 1] });
    expect([0, 0.25, 0.35, 0.9].map((s) => calibrate(calibration, s))).toEqual([0, 0.5, 1, 1]);
  });

  it('regression metrics', () => {
    expect(regressionMetrics([1, 2, 3], [1, 4, 0])).toEqual({
      kind: 'regression',
      rows: 3,
      rmse: Math.sqrt(13 / 3),
      mae: 5 / 3,
    });
  });
});
