/**
 * Keyset pagination cursors. A cursor is the last row's values of the order terms
 * (base64url JSON), tagged with the order it was made for; the next page is the rows
 * strictly after it in that order, NULLs placed as the order says. Unlike offsets,
 * pages stay stable when rows are added before the current position, and deep pages
 * cost no more than the first.
 */
import { quoteLiteral } from '../../lake/index.js';
import { BadRequestError } from '../errors.js';
import type { OrderTerm } from './row-query-select.js';

export type CursorValue = string | number | boolean | null;

/** One order term as SQL: its expression and, when known, the type to cast values to. */
export interface KeysetTerm {
  readonly term: OrderTerm;
  readonly sql: string;
  readonly type: string | null;
}

export function encodeCursor(order: readonly OrderTerm[], values: readonly unknown[]): string {
  return Buffer.from(JSON.stringify({ o: signature(order), v: values })).toString('base64url');
}

export function decodeCursor(text: string, order: readonly OrderTerm[]): CursorValue[] {
  if (order.length === 0)
    throw new BadRequestError('after= (keyset pagination) needs an order= parameter.', { after: text });
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const cursor = parsed as { o?: unknown; v?: unknown } | undefined;
  const values = cursor?.v;
  if (!Array.isArray(values) || typeof cursor?.o !== 'string' || !values.every(isCursorValue)) {
    throw new BadRequestError(`after= "${text}" is not a cursor; use the one in the previous page's Link header.`, {
      after: text,
    });
  }
  if (cursor.o !== signature(order) || values.length !== order.length) {
    throw new BadRequestError(
      `after= cursor was made for order=${cursor.o}, but this request orders by ${signature(order)}.`,
      { after: text },
    );
  }
  return values;
}

/** Rows strictly after `values` in the order: OR over i of (terms before i equal AND term i after). */
export function keysetPredicate(terms: readonly KeysetTerm[], values: readonly CursorValue[]): string {
  const alternatives = terms.map((t, i) => {
    const equal = terms.slice(0, i).map((e, j) => equalTo(e, values[j]!));
    return [...equal, after(t, values[i]!)].join(' AND ');
  });
  return `(${alternatives.map((a) => `(${a})`).join(' OR ')})`;
}

function after(t: KeysetTerm, value: CursorValue): string {
  if (value === null) return t.term.nulls === 'last' ? 'FALSE' : `${t.sql} IS NOT NULL`;
  const compare = `${t.sql} ${t.term.direction === 'asc' ? '>' : '<'} ${literal(t, value)}`;
  return t.term.nulls === 'last' ? `(${compare} OR ${t.sql} IS NULL)` : compare;
}

function equalTo(t: KeysetTerm, value: CursorValue): string {
  return value === null ? `${t.sql} IS NULL` : `${t.sql} = ${literal(t, value)}`;
}

function literal(t: KeysetTerm, value: Exclude<CursorValue, null>): string {
  const text =
    typeof value === 'string'
      ? quoteLiteral(value)
      : typeof value === 'boolean'
        ? String(value).toUpperCase()
        : String(value);
  return t.type === null || t.type === 'VARCHAR' ? text : `CAST(${text} AS ${t.type})`;
}

function isCursorValue(value: unknown): value is CursorValue {
  return (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}

function signature(order: readonly OrderTerm[]): string {
  return order.map((t) => `${t.name}.${t.direction}.nulls${t.nulls}`).join(',');
}
