/**
 * Finds the `delta_scan(...)` calls in a SQL text and parses their arguments:
 *
 *   delta_scan('<path or URI>')
 *   delta_scan('<path>', version => 3)
 *   delta_scan('<path>', timestamp => '2026-01-01T00:00:00Z')
 *
 * (`:=` and `=` are accepted in place of `=>`, as DuckDB accepts them for named
 * parameters.) Only an unqualified, unquoted `delta_scan` followed by `(` is a call, so
 * a column or a `schema.delta_scan` function of the same name is left alone, and so is
 * anything inside literals and comments.
 */
import { DeltaScanArgumentError } from '../errors.js';
import { significantTokens, stringValue, type Token } from './sql-tokenizer.js';

export interface DeltaScanCall {
  /** The table's path or URI, as written. */
  readonly path: string;
  readonly version?: number;
  /** ISO 8601 text or epoch milliseconds, as DeltaTable.open takes it. */
  readonly timestamp?: string | number;
  /** Offsets of the call in the SQL text, from `delta_scan` to the closing parenthesis. */
  readonly start: number;
  readonly end: number;
  /** The call as written (for messages). */
  readonly text: string;
}

export const DELTA_SCAN_OPTIONS = ['version', 'timestamp'] as const;

export function findDeltaScanCalls(sql: string): DeltaScanCall[] {
  const tokens = significantTokens(sql);
  const calls: DeltaScanCall[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind !== 'word' || token.text.toLowerCase() !== 'delta_scan') continue;
    if (tokens[i + 1]?.text !== '(' || tokens[i - 1]?.text === '.') continue;
    const close = matchingParen(tokens, i + 1);
    if (close === undefined) {
      throw new DeltaScanArgumentError(`delta_scan( at offset ${token.start} has no closing parenthesis.`, {
        offset: token.start,
      });
    }
    const text = sql.slice(token.start, tokens[close]!.end);
    calls.push({
      ...parseArguments(splitArguments(tokens.slice(i + 2, close)), text),
      start: token.start,
      end: tokens[close]!.end,
      text,
    });
    i = close;
  }
  return calls;
}

export function matchingParen(tokens: readonly Token[], open: number): number | undefined {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    if (tokens[i]!.text === '(') depth++;
    else if (tokens[i]!.text === ')' && --depth === 0) return i;
  }
  return undefined;
}

/** Argument token lists, split at top-level commas. */
export function splitArguments(tokens: readonly Token[]): Token[][] {
  const args: Token[][] = [[]];
  let depth = 0;
  for (const token of tokens) {
    if (token.text === '(') depth++;
    else if (token.text === ')') depth--;
    if (token.text === ',' && depth === 0) args.push([]);
    else args[args.length - 1]!.push(token);
  }
  return args.length === 1 && args[0]!.length === 0 ? [] : args;
}

function parseArguments(
  args: readonly Token[][],
  call: string,
): { path: string; version?: number; timestamp?: string | number } {
  const [first, ...rest] = args;
  if (first?.length !== 1 || first[0]!.kind !== 'string') {
    throw new DeltaScanArgumentError(
      `${call}: the first argument must be the table's path or URI as a string literal, e.g. delta_scan('./events').`,
      { call },
    );
  }
  const path = stringValue(first[0]!);
  if (path.trim() === '') throw new DeltaScanArgumentError(`${call}: the table path is empty.`, { call });
  const options: { version?: number; timestamp?: string | number } = {};
  for (const arg of rest) {
    const [name, arrow, ...value] = arg;
    if (!name || name.kind !== 'word' || !arrow || !['=>', ':=', '='].includes(arrow.text)) {
      throw new DeltaScanArgumentError(
        `${call}: expected a named option such as version => 3 after the path, not "${arg.map((t) => t.text).join(' ')}".`,
        { call, table: path },
      );
    }
    const option = name.text.toLowerCase();
    if (option in options)
      throw new DeltaScanArgumentError(`${call}: option ${option} is given twice.`, { call, table: path, option });
    if (option === 'version') options.version = versionValue(value, call, path);
    else if (option === 'timestamp') options.timestamp = timestampValue(value, call, path);
    else {
      throw new DeltaScanArgumentError(
        `${call}: unknown option "${name.text}" for table ${path}; delta_scan takes ${DELTA_SCAN_OPTIONS.map((o) => `${o} =>`).join(' or ')}.`,
        { call, table: path, option: name.text },
      );
    }
  }
  if (options.version !== undefined && options.timestamp !== undefined) {
    throw new DeltaScanArgumentError(`${call}: give version or timestamp for table ${path}, not both.`, {
      call,
      table: path,
    });
  }
  return { path, ...options };
}

/** A non-negative integer literal (or a string holding one). */
function versionValue(value: readonly Token[], call: string, table: string): number {
  const text =
    value.length === 1
      ? value[0]!.kind === 'string'
        ? stringValue(value[0]!)
        : value[0]!.text
      : value.map((t) => t.text).join('');
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(Number(text))) {
    throw new DeltaScanArgumentError(
      `${call}: version must be a non-negative integer for table ${table}, not ${text || 'nothing'}.`,
      { call, table, option: 'version', value: text },
    );
  }
  return Number(text);
}

/** A string literal (optionally typed: TIMESTAMP '...') or an integer of epoch milliseconds. */
function timestampValue(value: readonly Token[], call: string, table: string): string | number {
  const literal = value.length === 2 && /^timestamp(tz)?$/i.test(value[0]!.text) ? [value[1]!] : value;
  if (literal.length === 1 && literal[0]!.kind === 'string') return stringValue(literal[0]!);
  if (literal.length === 1 && literal[0]!.kind === 'number' && /^\d+$/.test(literal[0]!.text))
    return Number(literal[0]!.text);
  const text = value.map((t) => t.text).join(' ');
  throw new DeltaScanArgumentError(
    `${call}: timestamp must be a string such as '2026-01-01T00:00:00Z' (or epoch milliseconds) for table ${table}, not ${text || 'nothing'}.`,
    { call, table, option: 'timestamp', value: text },
  );
}
