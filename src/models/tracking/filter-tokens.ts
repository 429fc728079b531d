/**
 * The tokens of MLflow's filter and order_by strings. Identifiers keep their quoting
 * (`metrics.\`my metric\``) for the parser to strip; strings are single- or
 * double-quoted; a parenthesized list of strings is one token (IN's operand).
 */
import { ModelInvalidParameterError } from '../errors.js';

export interface Token {
  readonly kind: 'identifier' | 'comparator' | 'string' | 'number' | 'list' | 'and';
  readonly text: string;
  readonly values?: readonly string[];
}

const COMPARATOR = /^(?:!=|<=|>=|=|<|>|(?:not\s+)?(?:i?like|in)\b)/i;
const NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?/i;
// An identifier: words and dots, with backtick- or double-quoted parts (`tags."a b"`).
const IDENTIFIER = /^(?:[A-Za-z_][\w]*|`[^`]*`|"[^"]*")(?:\.(?:[\w-]+|`[^`]*`|"[^"]*"))*/;

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let rest = text;
  const fail = (): never => {
    throw new ModelInvalidParameterError(
      `Invalid filter string '${text}': could not parse from '${rest.slice(0, 20)}'.`,
      {
        filter: text,
      },
    );
  };
  while ((rest = rest.trimStart()) !== '') {
    const previous = tokens.at(-1);
    const expectsValue = previous?.kind === 'comparator';
    let match: RegExpMatchArray | null;
    if (expectsValue && rest[0] === '(') {
      const end = rest.indexOf(')');
      if (end < 0) fail();
      const inner = rest.slice(1, end);
      const values = [...inner.matchAll(/\s*('(?:[^']*)'|"(?:[^"]*)")\s*(,|$)/gy)].map((m) => m[1]!.slice(1, -1));
      if (values.length === 0 || !/^\s*(['"][^'"]*['"]\s*,\s*)*['"][^'"]*['"]\s*$/.test(inner)) fail();
      tokens.push({ kind: 'list', text: rest.slice(0, end + 1), values });
      rest = rest.slice(end + 1);
    } else if (expectsValue && (rest[0] === "'" || rest[0] === '"')) {
      const end = rest.indexOf(rest[0], 1);
      if (end < 0) fail();
      tokens.push({ kind: 'string', text: rest.slice(1, end) });
      rest = rest.slice(end + 1);
    } else if (expectsValue && (match = NUMBER.exec(rest))) {
      tokens.push({ kind: 'number', text: match[0] });
      rest = rest.slice(match[0].length);
    } else if (!expectsValue && previous !== undefined && previous.kind !== 'and' && (match = COMPARATOR.exec(rest))) {
      tokens.push({ kind: 'comparator', text: match[0].toUpperCase().replace(/\s+/, ' ') });
      rest = rest.slice(match[0].length);
    } else if (/^and\b/i.test(rest) && previous !== undefined && previous.kind !== 'and') {
      tokens.push({ kind: 'and', text: 'AND' });
      rest = rest.slice(3);
    } else if ((match = IDENTIFIER.exec(rest))) {
      tokens.push({ kind: 'identifier', text: match[0] });
      rest = rest.slice(match[0].length);
    } else fail();
  }
  return tokens;
}
