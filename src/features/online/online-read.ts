/**
 * Reads many entities × many features (across views) in one store call and attaches the
 * per-value statuses of feature-status.ts. Results are columnar per feature, in the order
 * of the entity rows (what Feast's online response and serving need).
 */
import { systemClock, type Clock } from '../../core/index.js';
import type { EntityKey, JoinKeyValue } from './entity-key.js';
import { FeatureStatus, featureReading, isOutsideMaxAge } from './feature-status.js';
import { OnlineStoreInvalidError } from './online-errors.js';
import type { FeatureValue, OnlineStore } from './online-store.js';

export interface OnlineViewRead {
  readonly view: string;
  /** The join keys of the view's entities, taken from each entity row. */
  readonly joinKeys: readonly string[];
  readonly features: readonly string[];
  /** The view's TTL in milliseconds (as definitions store it); 0 or absent: forever. */
  readonly ttlMs?: number;
}

export interface OnlineReadRequest {
  readonly entityRows: readonly Readonly<Record<string, JoinKeyValue>>[];
  readonly views: readonly OnlineViewRead[];
}

export interface FeatureColumn {
  readonly view: string;
  readonly feature: string;
  readonly values: readonly FeatureValue[];
  readonly statuses: readonly FeatureStatus[];
  /** Event times in µs, null where there is no row. */
  readonly eventTimes: ReadonlyArray<number | null>;
}

function viewKey(row: Readonly<Record<string, JoinKeyValue>>, index: number, read: OnlineViewRead): EntityKey {
  const key: Record<string, JoinKeyValue> = {};
  for (const name of read.joinKeys) {
    const value = row[name];
    if (value === undefined || value === null)
      throw new OnlineStoreInvalidError(
        `Entity row ${index} has no value for join key ${name} (feature view ${read.view}).`,
        { row: index, joinKey: name, view: read.view },
      );
    key[name] = value;
  }
  return key;
}

/** The statuses are judged at the clock's time (inject a ManualClock in tests). */
export async function readOnlineFeatures(
  store: OnlineStore,
  request: OnlineReadRequest,
  clock: Clock = systemClock,
): Promise<FeatureColumn[]> {
  const keys = request.views.map((read) => ({
    view: read.view,
    keys: request.entityRows.map((row, index) => viewKey(row, index, read)),
  }));
  const rows = await store.read(keys);
  const now = clock.now() * 1000;
  return request.views.flatMap((read, v) => {
    const viewRows = rows[v]!;
    const ttlMicros = (read.ttlMs ?? 0) * 1000;
    // Whether each row is past the TTL, judged once per row rather than once per value.
    const expired = viewRows.map((row) => row !== undefined && isOutsideMaxAge(row.eventTime, now, ttlMicros));
    return read.features.map((feature) => {
      // Filled in place (not a reading object per value): this is the serving hot path.
      const n = viewRows.length;
      const values = new Array<FeatureValue>(n);
      const statuses = new Array<FeatureStatus>(n);
      const eventTimes = new Array<number | null>(n);
      for (let i = 0; i < n; i++) {
        const row = viewRows[i];
        // One lookup; undefined (absent) or a function (a prototype's, e.g. `toString`) go the careful way.
        const value = row?.values[feature];
        if (row === undefined || expired[i] || value === undefined || typeof value === 'function') {
          const reading = featureReading(row, feature, now, ttlMicros); // the uncommon statuses, in their one place
          values[i] = reading.value;
          statuses[i] = reading.status;
          eventTimes[i] = reading.eventTime;
        } else {
          values[i] = value;
          statuses[i] = value === null ? FeatureStatus.NULL_VALUE : FeatureStatus.PRESENT;
          eventTimes[i] = row.eventTime;
        }
      }
      return { view: read.view, feature, values, statuses, eventTimes };
    });
  });
}
