/**
 * Values as requests carry them (JSON) checked against their declared type: join keys
 * (a wrong type is a 400 naming the row, never a silent miss) and request data for
 * on-demand features. JSON has no 64-bit integers, so an int64 also comes as a string of
 * decimal digits; timestamps come as ISO strings or epoch milliseconds.
 */
import type { FeatureType } from '../definition/feature-types.js';
import type { JoinKeyValue } from '../online/index.js';

const DIGITS = /^-?\d+$/;

/** The value as the type's JavaScript value, or undefined when it is not one. */
export function typedValue(type: FeatureType, value: unknown): JoinKeyValue | undefined {
  switch (type) {
    case 'int32':
    case 'int64':
      if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
      if (typeof value === 'bigint') return value;
      if (type === 'int64' && typeof value === 'string' && DIGITS.test(value)) {
        const big = BigInt(value);
        return Number.isSafeInteger(Number(big)) ? Number(big) : big;
      }
      return undefined;
    case 'float32':
    case 'float64':
      return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
    case 'string':
      return typeof value === 'string' ? value : undefined;
    case 'bool':
      return typeof value === 'boolean' ? value : undefined;
    case 'timestamp':
    case 'date': {
      const date =
        value instanceof Date
          ? value
          : typeof value === 'string' || typeof value === 'number'
            ? new Date(value)
            : undefined;
      return date !== undefined && !Number.isNaN(date.getTime()) ? date : undefined;
    }
  }
}

/** How messages show a bad value: `"abc" (a string)`. */
export function shownValue(value: unknown): string {
  const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
  let text: string;
  try {
    text = typeof value === 'bigint' ? value.toString() : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return `${text.length > 60 ? `${text.slice(0, 57)}...` : text} (${kind})`;
}
