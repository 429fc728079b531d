/**
 * A small lexer for DuckDB SQL: just enough to find function calls and statement
 * boundaries without being fooled by string literals, quoted identifiers or comments.
 * It does not validate SQL (DuckDB does that); unterminated literals and comments run
 * to the end of the text so DuckDB can report them with its own message.
 *
 * Every character of the input belongs to exactly one token, so tokens can be spliced
 * back together (or replaced by offset) without changing anything else.
 */
import { Cache } from '../../core/index.js';

export type TokenKind =
  | 'word' // unquoted identifier or keyword
  | 'quoted' // "double-quoted identifier"
  | 'string' // 'literal', E'escaped', $tag$dollar-quoted$tag$
  | 'number'
  | 'comment'
  | 'space'
  | 'symbol'; // punctuation and operators: ( ) , ; . => := :: and single characters

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  /** Offset of the first character in the SQL text. */
  readonly start: number;
  /** Offset just past the last character. */
  readonly end: number;
}

const WORD_START = /[A-Za-z_\u0080-\uffff]/;
const WORD_PART = /[A-Za-z0-9_$\u0080-\uffff]/;
const DOLLAR_TAG = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/;
const NUMBER = /^(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d+)?/;
const TWO_CHAR_SYMBOLS = new Set(['=>', ':=', '::', '<=', '>=', '<>', '!=', '||', '->']);

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, end: number) => {
    tokens.push({ kind, text: sql.slice(i, end), start: i, end });
    i = end;
  };
  while (i < sql.length) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (/\s/.test(c))
      push(
        'space',
        scanWhile(sql, i, (ch) => /\s/.test(ch)),
      );
    else if (c === '-' && next === '-') push('comment', lineEnd(sql, i));
    else if (c === '/' && next === '*') push('comment', blockCommentEnd(sql, i));
    else if (c === "'") push('string', quotedEnd(sql, i, "'", false));
    else if ((c === 'e' || c === 'E') && next === "'") push('string', quotedEnd(sql, i + 1, "'", true));
    else if (c === '"') push('quoted', quotedEnd(sql, i, '"', false));
    else if (c === '$' && DOLLAR_TAG.test(sql.slice(i, i + 64))) push('string', dollarQuotedEnd(sql, i));
    else if (/\d/.test(c) || (c === '.' && next !== undefined && /\d/.test(next)))
      push('number', i + NUMBER.exec(sql.slice(i))![0].length);
    else if (WORD_START.test(c))
      push(
        'word',
        scanWhile(sql, i + 1, (ch) => WORD_PART.test(ch)),
      );
    else if (TWO_CHAR_SYMBOLS.has(sql.slice(i, i + 2))) push('symbol', i + 2);
    else push('symbol', i + 1);
  }
  return tokens;
}

/** Significant tokens of recent texts: one query's steps each ask for them. */
const recentSignificant = new Cache<string, readonly Token[]>({ maxEntries: 64 });
const LONGEST_REMEMBERED = 16 * 1024;

/**
 * `significant(tokenize(sql))`, shared: a query's steps (is it one query, where are its
 * delta_scan calls, has it conditions) each read the same text, so it is lexed once.
 * The list is frozen and shared: callers read it only.
 */
export function significantTokens(sql: string): readonly Token[] {
  if (sql.length > LONGEST_REMEMBERED) return significant(tokenize(sql));
  return recentSignificant.getOrSet(sql, () => Object.freeze(significant(tokenize(sql))));
}

/** Tokens that carry meaning (no whitespace or comments). */
export function significant(tokens: readonly Token[]): Token[] {
  return tokens.filter((t) => t.kind !== 'space' && t.kind !== 'comment');
}

/** The value of a string token: quotes removed, doubled quotes and E-string escapes undone. */
export function stringValue(token: Token): string {
  const text = token.text;
  if (text.startsWith('$')) {
    const tag = DOLLAR_TAG.exec(text)![0];
    return text.slice(
      tag.length,
      text.endsWith(tag) && text.length >= 2 * tag.length ? text.length - tag.length : text.length,
    );
  }
  const escaped = text[0] === 'e' || text[0] === 'E';
  const body = text.slice(escaped ? 2 : 1, text.length > (escaped ? 2 : 1) && text.endsWith("'") ? -1 : undefined);
  const unquoted = body.replace(/''/g, "'");
  return escaped ? unescapeE(unquoted) : unquoted;
}

function scanWhile(sql: string, from: number, accept: (c: string) => boolean): number {
  let i = from;
  while (i < sql.length && accept(sql[i]!)) i++;
  return i;
}

function lineEnd(sql: string, from: number): number {
  const newline = sql.indexOf('\n', from);
  return newline === -1 ? sql.length : newline;
}

/** Block comments nest in DuckDB (as in PostgreSQL). */
function blockCommentEnd(sql: string, from: number): number {
  let depth = 0;
  let i = from;
  while (i < sql.length) {
    if (sql.startsWith('/*', i)) {
      depth++;
      i += 2;
    } else if (sql.startsWith('*/', i)) {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else i++;
  }
  return sql.length;
}

/** End of a literal opened by `quote` at `from`; a doubled quote stays inside, and so does `\'` in E-strings. */
function quotedEnd(sql: string, from: number, quote: string, backslashEscapes: boolean): number {
  let i = from + 1;
  while (i < sql.length) {
    const c = sql[i]!;
    if (backslashEscapes && c === '\\') i += 2;
    else if (c === quote && sql[i + 1] === quote) i += 2;
    else if (c === quote) return i + 1;
    else i++;
  }
  return sql.length;
}

function dollarQuotedEnd(sql: string, from: number): number {
  const tag = DOLLAR_TAG.exec(sql.slice(from, from + 64))![0];
  const close = sql.indexOf(tag, from + tag.length);
  return close === -1 ? sql.length : close + tag.length;
}

const E_ESCAPES: Readonly<Record<string, string>> = {
  n: '\n',
  t: '\t',
  r: '\r',
  b: '\b',
  f: '\f',
  '\\': '\\',
  "'": "'",
};

function unescapeE(body: string): string {
  return body.replace(/\\(.)/gs, (_, c: string) => E_ESCAPES[c] ?? c);
}
