/**
 * The promotion test simulated: `aa_false_promotion_rate` (1,000 A/A experiments, a look
 * after every 100 outcomes per arm up to 20,000, mSPRT at α = 0.05) beside a naive
 * two-sided z/t-test repeated at the same looks; `ab_samples_to_promote` (a challenger
 * 2% better on a metric with mean 1 and sd 1) as the outcomes per arm by which 80% of
 * 200 experiments promoted (80% power), beside the fixed-horizon test's sample size at
 * the same α and power. The mixture scale τ is the 2% lift itself.
 */
import type { BenchResult, Scenario } from '../harness.js';
import {
  decide,
  normalQuantile,
  seededRandom,
  startPromotion,
  type PromotionConfig,
  type PromotionState,
  type SeededRandom,
} from '../../src/models/monitoring/index.js';

const ALPHA = 0.05;
const LIFT = 0.02;
const CONFIG: PromotionConfig = {
  metric: 'mean',
  direction: 'higher-is-better',
  alpha: ALPHA,
  tau: LIFT,
  minSamples: 100,
  guardrails: { minRequests: 100 },
};

function batch(random: SeededRandom, arm: 'champion' | 'challenger', n: number, mean: number) {
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < n; i++) {
    const v = mean + random.normal();
    sum += v;
    sumSq += v * v;
  }
  return { kind: 'summary' as const, arm, n, sum, sumSq };
}

export const promotionSimulation: Scenario = {
  name: 'promotion_simulation',
  description: 'mSPRT promotion: A/A false promotions under continuous monitoring, A/B samples to promote a 2% lift',
  async run({ log }) {
    const seed = Number(process.env.STRATA_BENCH_SEED ?? 15_002);
    log(`seed ${seed}`);
    const random = seededRandom(seed);
    const z = normalQuantile(1 - ALPHA / 2);

    let falsePromotions = 0;
    let anyDecision = 0;
    let naive = 0;
    const aaRuns = 1000;
    for (let run = 0; run < aaRuns; run++) {
      let state: PromotionState = startPromotion(CONFIG);
      let naiveRejected = false;
      for (let look = 0; look < 200; look++) {
        const result = decide(state, [batch(random, 'champion', 100, 1), batch(random, 'challenger', 100, 1)]);
        state = result.state;
        const { champion: a, challenger: b } = state;
        const va = (a.sumSq - (a.sum * a.sum) / a.n) / (a.n - 1);
        const vb = (b.sumSq - (b.sum * b.sum) / b.n) / (b.n - 1);
        if (Math.abs(b.sum / b.n - a.sum / a.n) / Math.sqrt(va / a.n + vb / b.n) > z) naiveRejected = true;
        if (result.kind !== 'continue') {
          anyDecision++;
          if (result.kind === 'promote') falsePromotions++;
          break;
        }
      }
      if (naiveRejected) naive++;
    }
    log(`A/A: ${falsePromotions} promotions, ${anyDecision} decisions of any kind, naive ${naive}`);

    const abRuns = 200;
    const cap = 400_000;
    const toPromote: number[] = [];
    for (let run = 0; run < abRuns; run++) {
      let state = startPromotion(CONFIG);
      let at = Infinity;
      for (let n = 0; n < cap; n += 1000) {
        const result = decide(state, [batch(random, 'champion', 1000, 1), batch(random, 'challenger', 1000, 1 + LIFT)]);
        state = result.state;
        if (result.kind === 'promote') at = n + 1000;
        if (result.kind !== 'continue') break;
      }
      toPromote.push(at);
    }
    toPromote.sort((a, b) => a - b);
    const p80 = toPromote[Math.ceil(0.8 * abRuns) - 1]!;
    const median = toPromote[abRuns / 2 - 1]!;
    const fixed = Math.ceil((2 * (z + normalQuantile(0.8)) ** 2) / LIFT ** 2);
    return [
      {
        name: 'aa_false_promotion_rate',
        value: falsePromotions / aaRuns,
        unit: 'share',
        bound: { max: 0.05 },
        note: `seed ${seed}; ${falsePromotions} false promotions in ${aaRuns} A/A runs, 200 looks of 100 per arm: mSPRT decisions of any kind ${(anyDecision / aaRuns).toFixed(3)}; naive repeated test rejects in ${(naive / aaRuns).toFixed(3)}`,
      },
      {
        name: 'ab_samples_to_promote',
        value: p80,
        unit: 'per arm',
        note: `outcomes per arm by which 80% of ${abRuns} A/B runs promoted a +2% challenger (median ${median}); fixed-horizon test at α 0.05, power 0.8: ${fixed} per arm (ratio ${(p80 / fixed).toFixed(2)})`,
      },
    ] satisfies BenchResult[];
  },
};
