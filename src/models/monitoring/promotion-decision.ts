/**
 * The anytime-valid champion/challenger decision: a mixture sequential probability
 * ratio test (mSPRT, Johari et al.) on the difference of the challenger's and the
 * champion's mean metric (a rate for proportions), with a normal mixture N(0, τ²) over
 * the effect. With d the observed difference and v its variance (s²₁/n₁ + s²₂/n₂):
 *
 *   Λ = √(v / (v + τ²)) · exp(τ² d² / (2 v (v + τ²)))
 *
 * Under no difference Λ is (asymptotically) a martingale, so by Ville's inequality
 * P(Λ ever ≥ 1/α) ≤ α: the experiment may be looked at after every observation and
 * stopped at any time without inflating false promotions, which a repeated fixed-horizon
 * test does. The always-valid p-value is the running min of 1/Λ, and the confidence
 * sequence is the set of effects θ whose Λ(d − θ) stays below 1/α.
 *
 * Guardrails (the challenger's error rate, its p99 latency) roll back as soon as they
 * trip, whatever the metric says. `decide` is pure and its state is plain JSON: record it
 * after each look and a crash resumes from the record (`resumePromotion`).
 */
import { MonitoringInputError, MonitoringStateError } from './monitoring-errors.js';

export type Arm = 'champion' | 'challenger';

export interface PromotionConfig {
  /** `proportion`: values are 0/1 and the variance is p(1 − p); `mean`: sample variance. */
  readonly metric: 'mean' | 'proportion';
  readonly direction: 'higher-is-better' | 'lower-is-better';
  /** Bound on the false promotion (and false rollback) probability. */
  readonly alpha: number;
  /** Mixture sd over the effect, in metric units: about the effect worth detecting. */
  readonly tau: number;
  /** No decision before each arm has this many values (variance estimates need them). */
  readonly minSamples: number;
  readonly guardrails: {
    /** Roll back when the challenger's error share exceeds this. */
    readonly maxErrorRate?: number;
    /** Roll back when the challenger's p99 latency exceeds this (5% resolution). */
    readonly maxP99LatencyMs?: number;
    /** Guardrails are judged once the challenger has this many requests. */
    readonly minRequests: number;
  };
}

/** What one arm has seen: sufficient statistics, serialisable. */
export interface ArmStats {
  readonly n: number;
  readonly sum: number;
  readonly sumSq: number;
  readonly requests: number;
  readonly errors: number;
  /** Latency histogram: bucket i counts values in [1.05^i, 1.05^(i+1)) ms (bucket 0 also below 1 ms). */
  readonly latency: readonly number[];
}

export type Decision = 'continue' | 'promote' | 'rollback';

export interface PromotionState {
  readonly kind: 'msprt';
  readonly version: 1;
  readonly config: PromotionConfig;
  readonly champion: ArmStats;
  readonly challenger: ArmStats;
  readonly looks: number;
  /** Running min of 1/Λ: the always-valid p-value. */
  readonly pValue: number;
  /** Set once the experiment has ended; later looks repeat it. */
  readonly final?: Exclude<Decision, 'continue'>;
}

export type Observation =
  | { readonly kind: 'outcome'; readonly arm: Arm; readonly value: number }
  | { readonly kind: 'request'; readonly arm: Arm; readonly error: boolean; readonly latencyMs: number }
  /** Pre-aggregated outcomes (a chunk of the prediction log): count, sum, sum of squares. */
  | { readonly kind: 'summary'; readonly arm: Arm; readonly n: number; readonly sum: number; readonly sumSq: number };

export interface PromotionResult {
  readonly kind: Decision;
  readonly state: PromotionState;
  /** log Λ, compared with the boundary log(1/α). */
  readonly statistic: number;
  readonly boundary: number;
  readonly pValue: number;
  /** Challenger − champion (sign flipped for lower-is-better), and its confidence sequence. */
  readonly estimate: number;
  readonly interval: readonly [number, number];
  readonly reason: string;
}

const LATENCY_BUCKETS = 300;
const LATENCY_BASE = Math.log(1.05);
const EMPTY_ARM: ArmStats = { n: 0, sum: 0, sumSq: 0, requests: 0, errors: 0, latency: [] };

export function startPromotion(config: PromotionConfig): PromotionState {
  if (!(config.alpha > 0 && config.alpha < 1))
    throw new MonitoringInputError('alpha', `is ${config.alpha}; pass a level in (0, 1)`);
  if (!(config.tau > 0)) throw new MonitoringInputError('tau', `is ${config.tau}; pass a positive effect scale`);
  return { kind: 'msprt', version: 1, config, champion: EMPTY_ARM, challenger: EMPTY_ARM, looks: 0, pValue: 1 };
}

/** Checks a recorded state before resuming from it (after a crash or a restart). */
export function resumePromotion(recorded: unknown): PromotionState {
  const state = recorded as Partial<PromotionState> | null;
  if (state?.kind !== 'msprt') throw new MonitoringStateError(`kind is ${String(state?.kind)}; expected "msprt"`);
  if (state.version !== 1)
    throw new MonitoringStateError(`version ${String(state.version)} is not one this Strata writes (1)`);
  if (!state.config || !state.champion || !state.challenger)
    throw new MonitoringStateError('config or arm statistics are missing');
  return state as PromotionState;
}

function add(arm: ArmStats, observation: Observation): ArmStats {
  switch (observation.kind) {
    case 'outcome':
      return { ...arm, n: arm.n + 1, sum: arm.sum + observation.value, sumSq: arm.sumSq + observation.value ** 2 };
    case 'summary':
      return { ...arm, n: arm.n + observation.n, sum: arm.sum + observation.sum, sumSq: arm.sumSq + observation.sumSq };
    case 'request': {
      const bucket = Math.min(
        LATENCY_BUCKETS - 1,
        Math.max(0, Math.floor(Math.log(observation.latencyMs) / LATENCY_BASE)),
      );
      const latency = [...arm.latency];
      while (latency.length <= bucket) latency.push(0);
      latency[bucket]! += 1;
      return { ...arm, requests: arm.requests + 1, errors: arm.errors + (observation.error ? 1 : 0), latency };
    }
  }
}

/** Upper edge of the bucket holding the 99th percentile. */
export function p99LatencyMs(arm: ArmStats): number {
  const total = arm.latency.reduce((a, b) => a + b, 0);
  let seen = 0;
  for (let i = 0; i < arm.latency.length; i++) {
    seen += arm.latency[i]!;
    if (seen >= 0.99 * total) return Math.exp((i + 1) * LATENCY_BASE);
  }
  return 0;
}

function variance(arm: ArmStats, metric: PromotionConfig['metric']): number {
  const mean = arm.sum / arm.n;
  if (metric === 'proportion') return mean * (1 - mean);
  return Math.max(0, (arm.sumSq - arm.n * mean * mean) / Math.max(1, arm.n - 1));
}

/** Folds new observations into the state and decides: continue, promote or roll back. */
export function decide(state: PromotionState, observations: readonly Observation[]): PromotionResult {
  const { config } = state;
  let champion = state.champion;
  let challenger = state.challenger;
  if (state.final === undefined) {
    for (const o of observations) {
      if (o.arm === 'champion') champion = add(champion, o);
      else challenger = add(challenger, o);
    }
  }
  const boundary = Math.log(1 / config.alpha);
  const sign = config.direction === 'higher-is-better' ? 1 : -1;
  const ready = champion.n >= config.minSamples && challenger.n >= config.minSamples;
  const d = ready ? sign * (challenger.sum / challenger.n - champion.sum / champion.n) : 0;
  const v = ready
    ? variance(challenger, config.metric) / challenger.n + variance(champion, config.metric) / champion.n
    : 0;
  const t2 = config.tau ** 2;
  const statistic = v > 0 ? 0.5 * Math.log(v / (v + t2)) + (t2 * d * d) / (2 * v * (v + t2)) : 0;
  const radius = v > 0 ? Math.sqrt(((v * (v + t2)) / t2) * (2 * boundary + Math.log((v + t2) / v))) : Infinity;
  const pValue = Math.min(state.pValue, Math.min(1, Math.exp(-statistic)));
  const next = { ...state, champion, challenger, looks: state.looks + 1, pValue };
  const result = (kind: Decision, reason: string): PromotionResult => ({
    kind,
    state: kind === 'continue' ? next : { ...next, final: kind },
    statistic,
    boundary,
    pValue,
    estimate: d,
    interval: [d - radius, d + radius],
    reason,
  });
  if (state.final !== undefined) return result(state.final, `the experiment already ended (${state.final})`);
  const guard = config.guardrails;
  if (challenger.requests >= guard.minRequests) {
    const errorRate = challenger.errors / challenger.requests;
    if (guard.maxErrorRate !== undefined && errorRate > guard.maxErrorRate)
      return result(
        'rollback',
        `challenger error rate ${errorRate.toFixed(4)} exceeds the guardrail ${guard.maxErrorRate}`,
      );
    const p99 = p99LatencyMs(challenger);
    if (guard.maxP99LatencyMs !== undefined && p99 > guard.maxP99LatencyMs)
      return result(
        'rollback',
        `challenger p99 latency ≈ ${p99.toFixed(1)} ms exceeds the guardrail ${guard.maxP99LatencyMs} ms`,
      );
  }
  if (ready && pValue <= config.alpha) {
    return d > 0
      ? result(
          'promote',
          `challenger better by ${d.toPrecision(3)} (always-valid p = ${pValue.toPrecision(3)} ≤ ${config.alpha})`,
        )
      : result(
          'rollback',
          `challenger worse by ${(-d).toPrecision(3)} (always-valid p = ${pValue.toPrecision(3)} ≤ ${config.alpha})`,
        );
  }
  return result('continue', ready ? 'no decision yet' : `waiting for ${config.minSamples} outcomes per arm`);
}
