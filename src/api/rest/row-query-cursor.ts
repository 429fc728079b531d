/**
 * Keyset pagination cursors. A cursor is the last row's values of the order terms
 * (base64url JSON), tagged with the order it was made for; the next page is the rows
 * strictly after it in that order (the engine's keysetAfter where node).
 */
import type { CursorValue } from '../../engine/index.js';
import { BadRequestError } from '../errors.js';
import type { OrderTerm } from './row-query-select.js';

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
