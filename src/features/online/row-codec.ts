/**
 * How a row is stored, the same bytes in every store: `EVENT|CREATED|JSON`, times in
 * microseconds as decimal integers, then the feature values as JSON. The header lets a
 * store compare timestamps without decoding values (Redis's Lua compare-and-set reads it
 * with one pattern match).
 *
 * JSON cannot tell an int64 from a double or a Date from a string, so values that JSON
 * would blur are tagged objects (plain objects are not feature values, so tags cannot
 * collide): `{"i":"…"}` bigint, `{"f":"NaN"|"Infinity"|"-Infinity"|"-0"}` doubles JSON loses,
 * `{"t":ms}` timestamp, `{"x":base64}` bytes. Arrays hold encoded values.
 */
import { OnlineStoreInvalidError } from './online-errors.js';
import type { FeatureValue, OnlineRow, StoredRow } from './online-store.js';

type Encoded = null | boolean | number | string | Encoded[] | { readonly [tag: string]: string | number };

function encodeValue(feature: string, value: FeatureValue): Encoded {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number')
    return Number.isFinite(value) && !Object.is(value, -0) ? value : { f: Object.is(value, -0) ? '-0' : String(value) };
  if (typeof value === 'bigint') return { i: value.toString() };
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime()))
      throw new OnlineStoreInvalidError(`Feature ${feature} holds an invalid Date.`, { feature });
    return { t: value.getTime() };
  }
  if (value instanceof Uint8Array) return { x: Buffer.from(value).toString('base64') };
  if (Array.isArray(value)) return value.map((item: FeatureValue) => encodeValue(feature, item));
  throw new OnlineStoreInvalidError(
    `Feature ${feature} holds ${typeof value === 'object' ? 'an object' : typeof value}, which an online store cannot keep: use null, a boolean, a number, a bigint, a string, a Date, bytes or an array of those.`,
    { feature },
  );
}

function decodeValue(encoded: Encoded): FeatureValue {
  if (encoded === null || typeof encoded !== 'object') return encoded;
  if (Array.isArray(encoded)) return encoded.map(decodeValue);
  const tagged = encoded as Readonly<Record<string, string | number>>;
  if ('i' in tagged) return BigInt(tagged.i!);
  if ('f' in tagged) return Number(tagged.f);
  if ('t' in tagged) return new Date(tagged.t as number);
  return new Uint8Array(Buffer.from(tagged.x as string, 'base64'));
}

function checkTime(what: string, value: number): number {
  if (!Number.isSafeInteger(value))
    throw new OnlineStoreInvalidError(
      `The ${what} ${String(value)} is not a whole number of microseconds since the epoch.`,
      { [what]: value },
    );
  return value;
}

/** The stored form of a row; throws OnlineStoreInvalidError on a value no store can keep. */
export function encodeRow(row: OnlineRow): string {
  const event = checkTime('eventTime', row.eventTime);
  const created = checkTime('createdTime', row.createdTime ?? 0);
  const values: Record<string, Encoded> = {};
  for (const [feature, value] of Object.entries(row.values)) values[feature] = encodeValue(feature, value);
  return `${event}|${created}|${JSON.stringify(values)}`;
}

/** Event and created time of a stored row, without decoding its values. */
export function rowTimes(stored: string): readonly [event: number, created: number] {
  const first = stored.indexOf('|');
  const second = stored.indexOf('|', first + 1);
  return [Number(stored.slice(0, first)), Number(stored.slice(first + 1, second))];
}

/** Whether a row with these times replaces the stored one: strictly newer event, or same event and newer created. */
export function isNewer(event: number, created: number, stored: string): boolean {
  const [storedEvent, storedCreated] = rowTimes(stored);
  return event > storedEvent || (event === storedEvent && created > storedCreated);
}

export function decodeRow(stored: string): StoredRow {
  const first = stored.indexOf('|');
  const second = stored.indexOf('|', first + 1);
  // Decoded in place: only tagged values (objects) and arrays need work, most values are final.
  const values = JSON.parse(stored.slice(second + 1)) as Record<string, Encoded | FeatureValue>;
  for (const feature in values) {
    const value = values[feature];
    if (value !== null && typeof value === 'object') values[feature] = decodeValue(value as Encoded);
  }
  return {
    eventTime: Number(stored.slice(0, first)),
    createdTime: Number(stored.slice(first + 1, second)),
    values: values as Record<string, FeatureValue>,
  };
}
