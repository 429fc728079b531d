/**
 * The stable encoding of an entity's typed join keys, the key of its rows in every store.
 *
 *   {customer_id: 42, region: 'EU'}  →  customer_id=i42&region=sEU
 *
 * Join keys are sorted by name (object order does not matter), joined by `&`, each as
 * `name=` then a type tag and the value: `i` integer in canonical decimal (the number 42
 * and the bigint 42n are the same key, so int32 and int64 columns agree), `s` string
 * (percent-encoded as by encodeURIComponent, so `&`, `=` and `%` cannot collide), `b`
 * boolean (`b1`/`b0`), `t` timestamp (milliseconds since the epoch). The tag keeps the
 * string '42' and the integer 42 apart. Non-integer numbers are refused: a float is no key.
 */
import { OnlineStoreInvalidError } from './online-errors.js';

export type JoinKeyValue = string | number | bigint | boolean | Date;
export type EntityKey = Readonly<Record<string, JoinKeyValue>>;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function encodeValue(name: string, value: JoinKeyValue): string {
  switch (typeof value) {
    case 'string':
      return `s${encodeURIComponent(value)}`;
    case 'bigint':
      return `i${value.toString()}`;
    case 'number':
      if (Number.isSafeInteger(value)) return `i${value === 0 ? 0 : value}`;
      break;
    case 'boolean':
      return value ? 'b1' : 'b0';
    case 'object':
      if (value instanceof Date && !Number.isNaN(value.getTime())) return `t${value.getTime()}`;
      break;
  }
  throw new OnlineStoreInvalidError(
    `Join key ${name} has the value ${String(value)}, which is no key: use a string, a (big) integer, a boolean or a timestamp.`,
    { joinKey: name },
  );
}

/** Encodes one entity's join keys; throws OnlineStoreInvalidError on an empty key or an unusable value. */
export function encodeEntityKey(key: EntityKey): string {
  const names = Object.keys(key).sort();
  if (names.length === 0) throw new OnlineStoreInvalidError('An entity key needs at least one join key.');
  let encoded = '';
  for (const name of names) {
    if (!NAME.test(name))
      throw new OnlineStoreInvalidError(`Join key name ${JSON.stringify(name)} is not a plain column name.`, {
        joinKey: name,
      });
    encoded += `${encoded ? '&' : ''}${name}=${encodeValue(name, key[name]!)}`;
  }
  return encoded;
}

/** Inverse of encodeEntityKey (integers come back as numbers when safe, else bigints). */
export function decodeEntityKey(encoded: string): EntityKey {
  const key: Record<string, JoinKeyValue> = {};
  for (const part of encoded.split('&')) {
    const eq = part.indexOf('=');
    const name = part.slice(0, eq);
    const tag = part[eq + 1];
    const body = part.slice(eq + 2);
    if (tag === 's') key[name] = decodeURIComponent(body);
    else if (tag === 'b') key[name] = body === '1';
    else if (tag === 't') key[name] = new Date(Number(body));
    else {
      const big = BigInt(body);
      key[name] = Number.isSafeInteger(Number(big)) ? Number(big) : big;
    }
  }
  return key;
}

const VIEW = /^[A-Za-z_][A-Za-z0-9_.@-]*$/;

/** Checks a view name before it becomes part of store keys (no separators, no spaces). */
export function checkViewName(view: string): string {
  if (typeof view !== 'string' || !VIEW.test(view))
    throw new OnlineStoreInvalidError(
      `Feature view name ${JSON.stringify(view)} cannot key an online store: use letters, digits, '_', '.', '@' or '-'.`,
      { view },
    );
  return view;
}
