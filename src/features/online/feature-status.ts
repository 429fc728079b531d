/**
 * Per-value statuses of an online read: the one place that decides them, for every store.
 *
 * For a requested feature of a view and an entity, at `now` (µs, from the injected clock):
 * - NOT_FOUND: no row for the entity, or the row was materialized before the feature
 *   existed (value null; event time the row's, if any).
 * - OUTSIDE_MAX_AGE: the view has a TTL (> 0) and `eventTime < now - ttl` (value null,
 *   event time the row's). The edge is inside: a row exactly `ttl` old is still served,
 *   matching the offline rule `event_time >= t - ttl` of training sets.
 * - NULL_VALUE: the row holds null for the feature.
 * - PRESENT: the value.
 * A row with an event time after `now` (a clock behind the source) is served as PRESENT:
 * online keeps only the newest row, so there is no older one to fall back to.
 */
import type { FeatureValue, StoredRow } from './online-store.js';

export const FeatureStatus = {
  PRESENT: 'PRESENT',
  NOT_FOUND: 'NOT_FOUND',
  NULL_VALUE: 'NULL_VALUE',
  OUTSIDE_MAX_AGE: 'OUTSIDE_MAX_AGE',
} as const;
export type FeatureStatus = (typeof FeatureStatus)[keyof typeof FeatureStatus];

export interface FeatureReading {
  readonly value: FeatureValue;
  readonly status: FeatureStatus;
  /** The row's event time (µs), or null when there is no row. */
  readonly eventTime: number | null;
}

/** Whether a row with this event time is past the view's TTL at `now` (all in µs; ttl 0: never). */
export function isOutsideMaxAge(eventTime: number, now: number, ttlMicros: number): boolean {
  return ttlMicros > 0 && eventTime < now - ttlMicros;
}

export function featureReading(
  row: StoredRow | undefined,
  feature: string,
  now: number,
  ttlMicros: number,
): FeatureReading {
  if (!row) return { value: null, status: FeatureStatus.NOT_FOUND, eventTime: null };
  const { eventTime } = row;
  if (!Object.hasOwn(row.values, feature)) return { value: null, status: FeatureStatus.NOT_FOUND, eventTime };
  if (isOutsideMaxAge(eventTime, now, ttlMicros))
    return { value: null, status: FeatureStatus.OUTSIDE_MAX_AGE, eventTime };
  const value = row.values[feature]!;
  return { value, status: value === null ? FeatureStatus.NULL_VALUE : FeatureStatus.PRESENT, eventTime };
}
