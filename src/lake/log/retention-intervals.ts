/**
 * The table properties that say how long history is kept, and the interval strings
 * they hold ("interval 1 week", "interval 7 days", "168 hours", "interval 1 day 12 hours").
 *
 * Delta (Spark) stores these as calendar intervals; months and years have no fixed
 * length, so, as Delta does, we accept only fixed units (weeks down to microseconds).
 * A value we cannot parse is an error rather than a silent default: guessing wrong
 * here deletes history someone meant to keep.
 */
import { InvalidTableOperationError } from '../errors.js';

export const RetentionProperty = {
  /** How long removed data files stay tombstoned (checkpoints) and safe from VACUUM. */
  deletedFiles: { key: 'delta.deletedFileRetentionDuration', defaultValue: 'interval 1 week' },
  /** How long commit files are kept before metadata cleanup may delete them. */
  log: { key: 'delta.logRetentionDuration', defaultValue: 'interval 30 days' },
  /** The least time a checkpoint file is kept. */
  checkpoint: { key: 'delta.checkpointRetentionDuration', defaultValue: 'interval 2 days' },
} as const;
export type RetentionProperty = (typeof RetentionProperty)[keyof typeof RetentionProperty];

const UNIT_MS: Readonly<Record<string, number>> = {
  week: 7 * 86_400_000,
  day: 86_400_000,
  hour: 3_600_000,
  minute: 60_000,
  second: 1_000,
  millisecond: 1,
  microsecond: 0.001,
};

const WHOLE = /^(?:\s*\d+(?:\.\d+)?\s*[a-z]+)+\s*$/;
const PART = /(\d+(?:\.\d+)?)\s*([a-z]+)/g;

/** Milliseconds of a Delta interval string; undefined when it is not one. */
export function parseIntervalMs(text: string): number | undefined {
  const rest = text
    .trim()
    .toLowerCase()
    .replace(/^interval\b/, '');
  if (!WHOLE.test(rest)) return undefined;
  let total = 0;
  for (const [, amount, word] of rest.matchAll(PART)) {
    const unit = UNIT_MS[word!.replace(/s$/, '')];
    if (unit === undefined) return undefined;
    total += Number(amount) * unit;
  }
  return total;
}

/** The table's retention for the property, in milliseconds (its default when unset). */
export function retentionMs(configuration: Readonly<Record<string, string>>, property: RetentionProperty): number {
  const value = configuration[property.key] ?? property.defaultValue;
  const ms = parseIntervalMs(value);
  if (ms === undefined) {
    throw new InvalidTableOperationError(
      `Table property ${property.key} is "${value}", which is not a Delta interval; set it to e.g. "${property.defaultValue}" (units: weeks, days, hours, minutes, seconds).`,
      { property: property.key, value },
    );
  }
  return ms;
}
