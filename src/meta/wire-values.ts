/**
 * The JSON form of the values that cross the metadata proxy (proxy-server.ts): query
 * parameters one way, rows the other. JSON alone would turn a Date into a string, a
 * bigint into an error and a Buffer into an object of numbers, so those travel tagged
 * (`{"$date": ...}`, `{"$bigint": ...}`, `{"$bytes": base64}`, `{"$number": "NaN"}`),
 * `undefined` travels as `{"$undefined": 1}`, and a plain object that happens to have
 * exactly one key looking like a tag is wrapped (`{"$object": ...}`), so every value
 * comes back as it was sent, json columns included.
 */

type Wire = null | boolean | number | string | Wire[] | { [key: string]: Wire };

const TAGS = new Set(['$date', '$bigint', '$bytes', '$number', '$undefined', '$object']);

export function encodeValue(value: unknown): Wire {
  if (value === null) return null;
  switch (typeof value) {
    case 'undefined':
      return { $undefined: 1 };
    case 'boolean':
    case 'string':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : { $number: String(value) };
    case 'bigint':
      return { $bigint: value.toString() };
    case 'object':
      return encodeObject(value);
    default:
      throw new TypeError(`Cannot send a ${typeof value} to or from the metadata database.`);
  }
}

function encodeObject(value: object): Wire {
  if (value instanceof Date) return { $date: Number.isNaN(value.getTime()) ? 'invalid' : value.toISOString() };
  if (value instanceof Uint8Array)
    return { $bytes: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  if (Array.isArray(value)) return value.map(encodeValue);
  const out: { [key: string]: Wire } = {};
  for (const [key, item] of Object.entries(value)) out[key] = encodeValue(item);
  return looksTagged(out) ? { $object: out } : out;
}

export function decodeValue(wire: unknown): unknown {
  if (wire === null || typeof wire !== 'object') return wire;
  if (Array.isArray(wire)) return wire.map(decodeValue);
  const record = wire as Record<string, unknown>;
  if (looksTagged(record)) {
    const [tag, inner] = Object.entries(record)[0]!;
    switch (tag) {
      case '$date':
        return new Date(inner === 'invalid' ? Number.NaN : String(inner));
      case '$bigint':
        return BigInt(String(inner));
      case '$bytes':
        return Buffer.from(String(inner), 'base64');
      case '$number':
        return Number(inner);
      case '$undefined':
        return undefined;
      default:
        return decodeEntries(inner as Record<string, unknown>);
    }
  }
  return decodeEntries(record);
}

function decodeEntries(record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(record)) out[key] = decodeValue(item);
  return out;
}

function looksTagged(record: Record<string, unknown>): boolean {
  const keys = Object.keys(record);
  return keys.length === 1 && TAGS.has(keys[0]!);
}
