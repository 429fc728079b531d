/**
 * Feature values and event times as JSON: 64-bit integers beyond 2^53 as strings (JSON
 * numbers would round them), timestamps and event times as RFC 3339 with as many
 * fractional digits as they need (none, milliseconds or microseconds), as protobuf's
 * Timestamp JSON (and so Feast) writes them; bytes as base64.
 */
import type { FeatureValue } from '../../features/index.js';

export function jsonValue(value: FeatureValue): unknown {
  if (value === null || typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean')
    return value;
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Date) return rfc3339(value.getTime() * 1000);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return (value as readonly FeatureValue[]).map(jsonValue);
}

/** Maps a column, leaving it as it is when every value is already plain JSON (the common case). */
export function jsonValues(values: readonly FeatureValue[]): readonly unknown[] {
  for (const v of values) if (v !== null && typeof v === 'object') return values.map(jsonValue);
  for (const v of values) if (typeof v === 'bigint') return values.map(jsonValue);
  return values;
}

/** µs since the epoch as RFC 3339 UTC: `2021-12-31T23:00:00Z`, `...00.250Z`, `...00.000125Z`. */
export function rfc3339(micros: number): string {
  const ms = Math.floor(micros / 1000);
  const iso = new Date(ms).toISOString();
  const sub = micros - ms * 1000;
  if (sub !== 0) return `${iso.slice(0, -1)}${String(Math.round(sub)).padStart(3, '0')}Z`;
  return ms % 1000 === 0 ? `${iso.slice(0, -5)}Z` : iso;
}

/**
 * Event times of a response as text, each distinct time formatted once: the features of
 * one view share their rows' times, so 100 rows × 50 features format 100 times, not 5,000.
 */
export function eventTimestamps(
  times: ReadonlyArray<number | null>,
  cache: Map<number, string>,
  missing: string | null,
): (string | null)[] {
  const out = new Array<string | null>(times.length);
  for (let i = 0; i < times.length; i++) {
    const t = times[i];
    if (t === null || t === undefined) out[i] = missing;
    else {
      let text = cache.get(t);
      if (text === undefined) cache.set(t, (text = rfc3339(t)));
      out[i] = text;
    }
  }
  return out;
}
