/**
 * Errors of SQL as a non-admin principal may see them. DuckDB's messages name what the
 * engine rewrote the statement into: `delta_scan('<table directory>')`, Parquet file
 * paths, the lake root and, under a grant, the grant's own rewrite (its column list and
 * row filter). `/v1/tables` shows a table's location to admins only, and a row filter is
 * never shown to the principal it limits; so for everybody else a table's location
 * becomes its catalog name, any other server path `<path>`, and under a restricting
 * grant DuckDB's echo of the rewritten statement (`LINE 1: ...` and its caret) is left
 * out. What the message says about the statement itself (the binder's or converter's
 * complaint, candidate columns the principal can see) stays.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { escapeRegExp, isStrataError, type StrataError } from '../../core/index.js';

export interface NamedLocation {
  readonly name: string;
  readonly location: string;
}

export interface ErrorRedaction {
  /** The catalog's tables, so a location reads as the name the principal knows. */
  readonly tables: readonly NamedLocation[];
  /** Drop DuckDB's echo of the rewritten statement: it shows the grant's columns and row filter. */
  readonly hideStatementEcho: boolean;
}

const SCAN_CALL =
  /\b(?:delta_scan|read_parquet|parquet_scan|read_csv(?:_auto)?|read_json(?:_auto)?)\s*\((?:[^()']|'[^']*')*\)/gi;
const URL_PATH = /\b[a-z][a-z0-9+.-]*:\/\/[^\s'"(),]+/gi;
const ABSOLUTE_PATH = /(?<![\w.)\]>])\/(?:[\w.@%+=~-]+\/)+[\w.@%+=~-]*/g;
// DuckDB's echo: "LINE 3: <statement excerpt>" and the caret line under it.
const STATEMENT_ECHO = /\n*LINE \d+:[^\n]*(?:\n[ \t]*\^)?/g;

function forms(location: string): string[] {
  const out = [location.replace(/\/+$/, '')];
  // The catalog may hold a path where the engine says a file URL, or the other way round.
  if (location.startsWith('/')) out.push(pathToFileURL(location).href.replace(/\/+$/, ''));
  if (location.startsWith('file:')) {
    try {
      out.push(fileURLToPath(location).replace(/\/+$/, ''));
    } catch {
      // Not a valid file URL: its text is enough.
    }
  }
  return out;
}

/** The text with table locations as names and other server paths hidden. */
export function redactPaths(text: string, tables: readonly NamedLocation[]): string {
  let out = text;
  // Longest first, so a table nested in another's directory keeps its own name.
  const known = tables
    .flatMap((t) => forms(t.location).map((form) => ({ name: t.name, form })))
    .sort((a, b) => b.form.length - a.form.length);
  for (const { name, form } of known) {
    // The call becomes the name, padded to the call's length so DuckDB's caret still points at the right column.
    const call = new RegExp(
      `\\b(?:delta_scan|read_parquet|parquet_scan)\\s*\\('${escapeRegExp(form)}/?'(?:[^()']|'[^']*')*\\)`,
      'g',
    );
    out = out.replace(call, (match) => name.padEnd(match.length));
    out = out.replace(new RegExp(`${escapeRegExp(form)}(?:/[^\\s'"(),]*)?`, 'g'), name);
  }
  return out.replace(SCAN_CALL, '<table>').replace(URL_PATH, '<path>').replace(ABSOLUTE_PATH, '<path>');
}

function redactValue(value: unknown, tables: readonly NamedLocation[]): unknown {
  if (typeof value === 'string') return redactPaths(value, tables);
  if (Array.isArray(value)) return value.map((v) => redactValue(v, tables));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValue(v, tables)]));
  return value;
}

/** The error as the principal may see it: same code and category, server paths replaced (the original is its cause). */
export function redactSqlError(error: unknown, redaction: ErrorRedaction): unknown {
  if (!isStrataError(error)) return error;
  const prefix = `[${error.code}] `;
  const said = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
  const echoless = redaction.hideStatementEcho ? said.replace(STATEMENT_ECHO, '') : said;
  const message = redactPaths(echoless, redaction.tables);
  const details = redactValue(error.details, redaction.tables) as Record<string, unknown>;
  if (message === said && JSON.stringify(details) === JSON.stringify(error.details)) return error;
  // A copy of the same class (callers and tests tell errors apart by class as well as by code).
  const own = Object.getOwnPropertyDescriptors(error);
  const shownMessage = `${prefix}${message}`;
  const frames = error.stack?.split('\n').filter((line) => /^\s+at /.test(line)) ?? [];
  return Object.create(Object.getPrototypeOf(error) as object, {
    ...own,
    message: { ...own.message, value: shownMessage },
    details: { ...own.details, value: details },
    stack: { ...own.stack, value: [`${error.name}: ${shownMessage}`, ...frames].join('\n') },
    cause: { value: error, writable: true, configurable: true, enumerable: false },
  }) as StrataError;
}
