/**
 * Table and schema names as SQL writes them: `orders`, `sales.orders`,
 * `"Sales"."Order Lines"`. Unquoted parts are case-insensitive (folded to lower
 * case, as PostgreSQL does); quoted parts keep their case and may hold any printable
 * character (`""` is a quote). A name without a schema is in the default schema.
 */
import { InvalidNameError } from './errors.js';

export const DEFAULT_SCHEMA = 'main';
const MAX_IDENTIFIER_LENGTH = 128;

/** A resolved name: both parts exact (already folded or unquoted). */
export interface TableName {
  readonly schema: string;
  readonly table: string;
}

const BARE = /^[\p{L}_][\p{L}\p{N}_$]*$/u;
const PLAIN = /^[a-z_][a-z0-9_$]*$/;

/** Parses `table` or `schema.table`; `defaultSchema` fills a missing schema. */
export function parseTableName(text: string, defaultSchema = DEFAULT_SCHEMA): TableName {
  const parts = splitParts(text);
  if (parts.length === 1) return { schema: defaultSchema, table: parts[0]! };
  if (parts.length === 2) return { schema: parts[0]!, table: parts[1]! };
  throw new InvalidNameError(text, `it has ${parts.length} parts, at most 2 (schema.table) are allowed`);
}

/** Parses one identifier (a schema name). */
export function parseIdentifier(text: string): string {
  const parts = splitParts(text);
  if (parts.length !== 1)
    throw new InvalidNameError(text, 'a schema name is one identifier (quote it if it contains a dot)');
  return parts[0]!;
}

/** `name` as SQL text: bare when it reads back the same, otherwise quoted. */
export function quoteIdentifier(name: string): string {
  return PLAIN.test(name) ? name : `"${name.replaceAll('"', '""')}"`;
}

export function formatTableName(name: TableName): string {
  return `${quoteIdentifier(name.schema)}.${quoteIdentifier(name.table)}`;
}

/** Accepts a parsed name as is (validating its parts), or parses text. */
export function toTableName(name: string | TableName, defaultSchema = DEFAULT_SCHEMA): TableName {
  if (typeof name === 'string') return parseTableName(name, defaultSchema);
  checkIdentifier(name.schema, name.schema);
  checkIdentifier(name.table, name.table);
  return { schema: name.schema, table: name.table };
}

function splitParts(text: string): string[] {
  const parts: string[] = [];
  let i = skipSpace(text, 0);
  for (;;) {
    let part: string;
    if (text[i] === '"') {
      let end = i + 1;
      part = '';
      for (;;) {
        const close = text.indexOf('"', end);
        if (close < 0) throw new InvalidNameError(text, 'a quoted identifier is not closed');
        part += text.slice(end, close);
        if (text[close + 1] === '"') {
          part += '"';
          end = close + 2;
        } else {
          i = close + 1;
          break;
        }
      }
    } else {
      const match = /^[^."\s]*/u.exec(text.slice(i))![0];
      if (match === '')
        throw new InvalidNameError(
          text,
          i >= text.length ? 'a name part is missing' : `unexpected ${JSON.stringify(text[i])} at position ${i}`,
        );
      if (!BARE.test(match))
        throw new InvalidNameError(text, `${JSON.stringify(match)} is not a valid unquoted identifier (quote it)`);
      part = match.toLowerCase();
      i += match.length;
    }
    checkIdentifier(part, text);
    parts.push(part);
    i = skipSpace(text, i);
    if (i >= text.length) return parts;
    if (text[i] !== '.') throw new InvalidNameError(text, `unexpected ${JSON.stringify(text[i])} at position ${i}`);
    i = skipSpace(text, i + 1);
  }
}

function checkIdentifier(part: string, text: string): void {
  if (part.length === 0) throw new InvalidNameError(text, 'an identifier is empty');
  if (part.length > MAX_IDENTIFIER_LENGTH)
    throw new InvalidNameError(text, `an identifier is longer than ${MAX_IDENTIFIER_LENGTH} characters`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(part))
    throw new InvalidNameError(text, 'an identifier contains a control character');
}

function skipSpace(text: string, from: number): number {
  let i = from;
  while (i < text.length && /\s/.test(text[i]!)) i++;
  return i;
}
