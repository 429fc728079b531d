/** Human-readable figures for messages and CLI output. */

/** `512 B`, `4.3 KiB`, `1.2 GiB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** What kind of JSON value `value` is, with its article, for "must be ..." messages: `an object (JSON)`, `a list (JSON array)`, `a number`. */
export function jsonTypePhrase(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list (JSON array)';
  switch (typeof value) {
    case 'object':
      return 'an object (JSON)';
    case 'boolean':
      return 'a boolean (true or false)';
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    default:
      return `a ${typeof value}`;
  }
}

const SHOWN_VALUE_CHARS = 60;

/** The value as a message names it: `the string "eu"`, `the number 3`, `the list [1,2]`, `null`. */
export function describeJsonValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  const text = JSON.stringify(value) ?? String(value);
  const shown = text.length > SHOWN_VALUE_CHARS ? `${text.slice(0, SHOWN_VALUE_CHARS)}…` : text;
  if (Array.isArray(value)) return `the list ${shown}`;
  return typeof value === 'object' ? `the object ${shown}` : `the ${typeof value} ${shown}`;
}

/** `text` as a regular expression that matches exactly it. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
