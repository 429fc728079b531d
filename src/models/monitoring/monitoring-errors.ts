/**
 * Monitoring's errors. The statistics are pure functions over arrays: the only failures
 * are inputs they cannot answer for (empty samples, mismatched lengths, bad options) and
 * a promotion state that is not one this code wrote (an unknown version or kind).
 */
import { moduleErrorBase, type ErrorCodeSet, type ErrorDetails } from '../../core/index.js';

/** Every code monitoring raises, with its category (which decides the HTTP status). */
export const MonitoringErrorCode = {
  MONITOR_INVALID_INPUT: 'invalid',
  MONITOR_INVALID_STATE: 'invalid',
} as const satisfies ErrorCodeSet;
export type MonitoringErrorCode = keyof typeof MonitoringErrorCode;

/** Base of monitoring's errors: the code decides the category. */
export abstract class MonitoringError extends moduleErrorBase(MonitoringErrorCode) {}

/** A statistic was asked of data it cannot answer for: say which argument and why. */
export class MonitoringInputError extends MonitoringError {
  constructor(argument: string, problem: string, details: ErrorDetails = {}) {
    super('MONITOR_INVALID_INPUT', `${argument}: ${problem}`, { argument, ...details });
  }
}

/** A recorded promotion state could not be resumed (not written by this version). */
export class MonitoringStateError extends MonitoringError {
  constructor(problem: string, details: ErrorDetails = {}) {
    super('MONITOR_INVALID_STATE', `Promotion state: ${problem}`, details);
  }
}

/** Throws MonitoringInputError when a sample is empty: every statistic needs data on both sides. */
export function requireNonEmpty(argument: string, values: ArrayLike<unknown>): void {
  if (values.length === 0) throw new MonitoringInputError(argument, 'is empty; pass at least one value');
}
