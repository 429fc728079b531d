/** Sequential detection and the promotion test, simulated with printed seeds. */
import { describe, expect, it } from 'vitest';
import {
  CUSUM_START,
  calibrateCusum,
  calibrateWindowKs,
  cusumUpdate,
  decide,
  normalSample,
  resumePromotion,
  seededRandom,
  startPromotion,
  type Observation,
  type PromotionConfig,
  type PromotionState,
  type SeededRandom,
  windowKsFirstAlarm,
} from './monitoring-test-entry.js';

const SEED = Number(process.env.STRATA_TEST_SEED ?? 1515);

describe('CUSUM', () => {
  it('false-alarms at about the calibrated rate over the horizon and catches a known shift', () => {
    console.log(`seed ${SEED}`);
    const random = seededRandom(SEED);
    // The rate is controlled on average over references (one reference's estimation error
    // moves its own rate), so each of 10 references gets its calibration and 60 streams.
    let alarms = 0;
    let detected = 0;
    for (let r = 0; r < 10; r++) {
      const reference = normalSample(random, 2000);
      const config = calibrateCusum(reference, 0.25, { horizon: 500, falseAlarmRate: 0.1, trials: 400, random });
      for (let t = 0; t < 60; t++) {
        if (cusumUpdate(config, CUSUM_START, normalSample(random, 500)).alarmAt !== undefined) alarms++;
        if (cusumUpdate(config, CUSUM_START, normalSample(random, 500, 0.5)).alarmAt !== undefined) detected++;
      }
    }
    // Binomial(600, 0.1): mean 60, sd 7.3.
    expect(alarms).toBeGreaterThanOrEqual(38);
    expect(alarms).toBeLessThanOrEqual(82);
    expect(detected).toBeGreaterThanOrEqual(590);
  });

  it('fixed-window KS calibrated to the same rate: few false alarms, a shift caught within a few windows', () => {
    const random = seededRandom(SEED + 7);
    const reference = normalSample(random, 1000);
    const config = calibrateWindowKs(reference, 100, { horizon: 1000, falseAlarmRate: 0.1, trials: 200, random });
    let alarms = 0;
    let detected = 0;
    for (let t = 0; t < 100; t++) {
      if (windowKsFirstAlarm(config, normalSample(random, 1000)) !== undefined) alarms++;
      if ((windowKsFirstAlarm(config, normalSample(random, 1000, 1)) ?? Infinity) <= 300) detected++;
    }
    // Binomial(100, 0.1) (one reference, so a little wider): mean 10.
    expect(alarms).toBeLessThanOrEqual(25);
    expect(detected).toBeGreaterThanOrEqual(95);
  });

  it('gives the same answer chunk by chunk as all at once (state survives between chunks)', () => {
    const random = seededRandom(SEED + 1);
    const config = { mean: 0, sd: 1, k: 0.25, h: 5 };
    const stream = normalSample(random, 400, 0.3);
    const whole = cusumUpdate(config, CUSUM_START, stream);
    let state = CUSUM_START;
    for (let i = 0; i < 400; i += 37)
      state = JSON.parse(JSON.stringify(cusumUpdate(config, state, stream.subarray(i, i + 37))));
    expect(state).toEqual(whole);
  });
});

const CONFIG: PromotionConfig = {
  metric: 'mean',
  direction: 'higher-is-better',
  alpha: 0.05,
  tau: 0.1,
  minSamples: 50,
  guardrails: { minRequests: 100, maxErrorRate: 0.02, maxP99LatencyMs: 200 },
};

function outcomes(random: SeededRandom, n: number, lift: number): Observation[] {
  const out: Observation[] = [];
  for (let i = 0; i < n; i++) {
    out.push({ kind: 'outcome', arm: 'champion', value: 1 + random.normal() });
    out.push({ kind: 'outcome', arm: 'challenger', value: 1 + lift + random.normal() });
  }
  return out;
}

function run(random: SeededRandom, lift: number, looks: number): PromotionState['final'] {
  let state = startPromotion(CONFIG);
  for (let look = 0; look < looks; look++) {
    const result = decide(state, outcomes(random, 50, lift));
    state = result.state;
    if (result.kind !== 'continue') return result.kind;
  }
  return undefined;
}

describe('mSPRT promotion', () => {
  it('A/A with a look after every 50 outcomes per arm: false promotions stay under α', () => {
    console.log(`seed ${SEED + 2}`);
    const random = seededRandom(SEED + 2);
    let promotions = 0;
    const runs = 300;
    for (let r = 0; r < runs; r++) if (run(random, 0, 60) === 'promote') promotions++;
    // α = 0.05 bounds both directions together; one side should stay well under 0.05 · 300 = 15.
    expect(promotions).toBeLessThanOrEqual(15);
  });

  it('A/B with a known lift promotes (and a worse challenger is rolled back)', () => {
    console.log(`seed ${SEED + 3}`);
    const random = seededRandom(SEED + 3);
    const better = Array.from({ length: 40 }, () => run(random, 0.2, 60));
    expect(better.filter((d) => d === 'promote').length).toBeGreaterThanOrEqual(36);
    const worse = Array.from({ length: 40 }, () => run(random, -0.2, 60));
    expect(worse.filter((d) => d === 'rollback').length).toBeGreaterThanOrEqual(36);
  });

  it('rolls back when a guardrail trips, whatever the metric says', () => {
    const random = seededRandom(SEED + 4);
    const requests = (errorEvery: number, latencyMs: number): Observation[] =>
      Array.from({ length: 200 }, (_, i) => ({
        kind: 'request',
        arm: 'challenger',
        error: i % errorEvery === 0,
        latencyMs,
      }));
    const errors = decide(startPromotion(CONFIG), [...outcomes(random, 100, 0.5), ...requests(10, 20)]);
    expect([errors.kind, errors.reason]).toEqual(['rollback', expect.stringContaining('error rate')]);
    const slow = decide(startPromotion(CONFIG), [...outcomes(random, 100, 0.5), ...requests(1000, 450)]);
    expect([slow.kind, slow.reason]).toEqual(['rollback', expect.stringContaining('p99 latency')]);
    const fine = decide(startPromotion(CONFIG), requests(1000, 20));
    expect(fine.kind).toBe('continue');
  });

  it('resumes from a recorded state after a crash with the same decisions, and refuses foreign states', () => {
    const random = seededRandom(SEED + 5);
    const batches = Array.from({ length: 30 }, () => outcomes(random, 20, 0.3));
    const straight: string[] = [];
    let state = startPromotion(CONFIG);
    for (const b of batches) {
      const r = decide(state, b);
      state = r.state;
      straight.push(`${r.kind} ${r.statistic.toFixed(9)}`);
    }
    const resumed: string[] = [];
    let recorded = JSON.stringify(startPromotion(CONFIG));
    for (const b of batches) {
      // Every look starts from the record alone, as a restarted process would.
      const r = decide(resumePromotion(JSON.parse(recorded)), b);
      recorded = JSON.stringify(r.state);
      resumed.push(`${r.kind} ${r.statistic.toFixed(9)}`);
    }
    expect(resumed).toEqual(straight);
    expect(straight.some((s) => s.startsWith('promote'))).toBe(true);
    expect(() => resumePromotion({ kind: 'msprt', version: 2 })).toThrowError(/MONITOR_INVALID_STATE/);
  });

  it('reports a confidence sequence that covers the true lift', () => {
    const random = seededRandom(SEED + 6);
    const r = decide(startPromotion({ ...CONFIG, alpha: 0.01 }), outcomes(random, 400, 0.05));
    expect(r.interval[0]).toBeLessThan(0.05);
    expect(r.interval[1]).toBeGreaterThan(0.05);
    expect(r.boundary).toBeCloseTo(Math.log(100), 12);
  });
});
