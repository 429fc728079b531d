/**
 * Sequential change detection on a stream, at a fixed false-alarm rate.
 *
 * CUSUM (Page): on values standardized by the reference's mean and sd, two one-sided
 * sums S⁺ = max(0, S⁺ + z − k), S⁻ = max(0, S⁻ − z − k) alarm when either exceeds h.
 * k is half the smallest shift worth catching (in sds); h is not guessed but calibrated:
 * the (1 − α) quantile of max(S⁺, S⁻) over `horizon` no-drift values resampled from the
 * reference (standardized by a bootstrap re-estimate of its mean and sd), so P(any false alarm within the horizon) = α for this feature's own shape.
 *
 * The fixed-window KS detector it is compared with tests consecutive windows of w values
 * against the reference; its D threshold is calibrated the same way (the (1 − α)
 * quantile of the largest D over the horizon's windows), so both run at the same rate.
 */
import { ksStatistic, sorted } from './ks-test.js';
import { MonitoringInputError, requireNonEmpty } from './monitoring-errors.js';
import { standardDeviation } from './distribution-distance.js';
import type { SeededRandom } from './seeded-random.js';

export interface CusumConfig {
  readonly mean: number;
  readonly sd: number;
  /** Allowance in sds: half the shift to detect fastest. */
  readonly k: number;
  /** Alarm threshold on the cumulative sum. */
  readonly h: number;
}

/** Serialisable: a monitor records it between chunks. */
export interface CusumState {
  readonly kind: 'cusum';
  readonly upper: number;
  readonly lower: number;
  readonly seen: number;
  /** The index (1-based count of values) at which the alarm first fired. */
  readonly alarmAt?: number;
}

export const CUSUM_START: CusumState = { kind: 'cusum', upper: 0, lower: 0, seen: 0 };

/** Folds a chunk of values into the state; stops counting at the first alarm. */
export function cusumUpdate(config: CusumConfig, state: CusumState, chunk: ArrayLike<number>): CusumState {
  let { upper, lower, seen } = state;
  if (state.alarmAt !== undefined) return state;
  for (let i = 0; i < chunk.length; i++) {
    const z = (chunk[i]! - config.mean) / config.sd;
    upper = Math.max(0, upper + z - config.k);
    lower = Math.max(0, lower - z - config.k);
    seen++;
    if (upper > config.h || lower > config.h) return { kind: 'cusum', upper, lower, seen, alarmAt: seen };
  }
  return { kind: 'cusum', upper, lower, seen };
}

export interface CalibrationOptions {
  /** No-drift stream length over which P(false alarm) = falseAlarmRate. */
  readonly horizon: number;
  readonly falseAlarmRate: number;
  readonly trials: number;
  readonly random: SeededRandom;
}

function quantile(values: number[], q: number): number {
  values.sort((a, b) => a - b);
  return values[Math.min(values.length - 1, Math.ceil(q * values.length) - 1)]!;
}

function checkCalibration(options: CalibrationOptions): void {
  if (!(options.falseAlarmRate > 0 && options.falseAlarmRate < 1))
    throw new MonitoringInputError('falseAlarmRate', `is ${options.falseAlarmRate}; pass a rate in (0, 1)`);
  if (options.trials * options.falseAlarmRate < 5)
    throw new MonitoringInputError(
      'trials',
      `is ${options.trials}; pass at least ${Math.ceil(5 / options.falseAlarmRate)} for this rate`,
    );
}

/** CUSUM config for a reference: its mean and sd, and h calibrated by resampling it. */
export function calibrateCusum(reference: ArrayLike<number>, k: number, options: CalibrationOptions): CusumConfig {
  requireNonEmpty('reference', reference);
  checkCalibration(options);
  let mean = 0;
  for (let i = 0; i < reference.length; i++) mean += reference[i]!;
  mean /= reference.length;
  const sd = standardDeviation(reference) || 1;
  const maxima: number[] = [];
  const { random } = options;
  const n = reference.length;
  for (let t = 0; t < options.trials; t++) {
    // Production values are standardized by the reference's estimates, not the true
    // mean and sd: each trial re-estimates them from a bootstrap resample, so h covers
    // that error too (without it, false alarms ran well above the target).
    let m = 0;
    let ss = 0;
    for (let i = 0; i < n; i++) {
      const v = reference[random.int(n)]!;
      m += v;
      ss += v * v;
    }
    m /= n;
    const s = Math.sqrt(Math.max(ss / n - m * m, 0)) || 1;
    let upper = 0;
    let lower = 0;
    let max = 0;
    for (let i = 0; i < options.horizon; i++) {
      const z = (reference[random.int(n)]! - m) / s;
      upper = Math.max(0, upper + z - k);
      lower = Math.max(0, lower - z - k);
      max = Math.max(max, upper, lower);
    }
    maxima.push(max);
  }
  return { mean, sd, k, h: quantile(maxima, 1 - options.falseAlarmRate) };
}

export interface WindowKsConfig {
  readonly reference: Float64Array;
  readonly window: number;
  /** Alarm when a window's D exceeds this. */
  readonly dThreshold: number;
}

/** The fixed-window KS detector's D threshold at the same false-alarm rate over the horizon. */
export function calibrateWindowKs(
  reference: ArrayLike<number>,
  window: number,
  options: CalibrationOptions,
): WindowKsConfig {
  requireNonEmpty('reference', reference);
  checkCalibration(options);
  const ref = sorted(reference);
  const windows = Math.floor(options.horizon / window);
  const maxima: number[] = [];
  const buffer = new Float64Array(window);
  for (let t = 0; t < options.trials; t++) {
    let max = 0;
    for (let w = 0; w < windows; w++) {
      for (let i = 0; i < window; i++) buffer[i] = ref[options.random.int(ref.length)]!;
      max = Math.max(max, ksStatistic(ref, buffer.slice().sort()));
    }
    maxima.push(max);
  }
  return { reference: ref, window, dThreshold: quantile(maxima, 1 - options.falseAlarmRate) };
}

/** The count of values after which the window detector first alarms on `stream`, or undefined. */
export function windowKsFirstAlarm(config: WindowKsConfig, stream: ArrayLike<number>): number | undefined {
  for (let end = config.window; end <= stream.length; end += config.window) {
    const window = Float64Array.from(Array.prototype.slice.call(stream, end - config.window, end) as number[]).sort();
    if (ksStatistic(config.reference, window) > config.dThreshold) return end;
  }
  return undefined;
}
