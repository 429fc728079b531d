/**
 * `select` and `order` (grammar in row-query-parser.ts). Pure syntax: names are
 * resolved against the table by row-query-compiler.ts.
 */
import { BadRequestError } from '../errors.js';

export const AGGREGATES = ['sum', 'avg', 'min', 'max', 'count'] as const;
export type AggregateFunction = (typeof AGGREGATES)[number];

export type SelectItem =
  | { readonly kind: 'column'; readonly column: string; readonly alias: string | null }
  /** `column` null: `count()`, counting rows. */
  | {
      readonly kind: 'aggregate';
      readonly fn: AggregateFunction;
      readonly column: string | null;
      readonly alias: string | null;
    };

export interface OrderTerm {
  /** A column, or in an aggregate query an output name (alias, grouped column, function name). */
  readonly name: string;
  readonly direction: 'asc' | 'desc';
  /** Where NULLs go; PostgreSQL's default (last ascending, first descending) when not given. */
  readonly nulls: 'first' | 'last';
}

/** `select=*` and an empty select mean every visible column: null. */
export function parseSelect(text: string): SelectItem[] | null {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed === '*') return null;
  return splitList(trimmed, 'select').map((part) => parseSelectItem(part));
}

function parseSelectItem(part: string): SelectItem {
  const colon = part.indexOf(':');
  const alias = colon < 0 ? null : part.slice(0, colon).trim();
  const body = (colon < 0 ? part : part.slice(colon + 1)).trim();
  if (alias === '' || body === '') throw bad(`"${part}" is not a select item`, part);
  if (body === 'count()') return { kind: 'aggregate', fn: 'count', column: null, alias };
  const aggregate = /^(.+)\.([a-z]+)\(\)$/.exec(body);
  if (aggregate) {
    const fn = aggregate[2]!;
    if (!(AGGREGATES as readonly string[]).includes(fn))
      throw bad(`unknown aggregate "${fn}()" (use ${AGGREGATES.map((a) => `${a}()`).join(', ')})`, part);
    return { kind: 'aggregate', fn: fn as AggregateFunction, column: aggregate[1]!, alias };
  }
  if (/[()]/.test(body)) throw bad(`"${body}" is neither a column nor column.aggregate()`, part);
  return { kind: 'column', column: body, alias };
}

export function parseOrder(text: string): OrderTerm[] {
  return splitList(text, 'order').map((part) => {
    let rest = part;
    let nulls: OrderTerm['nulls'] | undefined;
    let direction: OrderTerm['direction'] = 'asc';
    const nullsMatch = /\.(nullsfirst|nullslast)$/.exec(rest);
    if (nullsMatch) {
      nulls = nullsMatch[1] === 'nullsfirst' ? 'first' : 'last';
      rest = rest.slice(0, nullsMatch.index);
    }
    const directionMatch = /\.(asc|desc)$/.exec(rest);
    if (directionMatch) {
      direction = directionMatch[1] as OrderTerm['direction'];
      rest = rest.slice(0, directionMatch.index);
    }
    if (rest === '' || /[(),]/.test(rest)) {
      throw new BadRequestError(`Malformed order "${part}": expected name[.asc|.desc][.nullsfirst|.nullslast].`, {
        order: part,
      });
    }
    return { name: rest, direction, nulls: nulls ?? (direction === 'asc' ? 'last' : 'first') };
  });
}

function splitList(text: string, parameter: string): string[] {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.some((p) => p === '')) throw bad(`empty item in "${text}"`, text, parameter);
  return parts;
}

function bad(reason: string, value: string, parameter = 'select'): BadRequestError {
  return new BadRequestError(`Malformed ${parameter} "${value}": ${reason}.`, { [parameter]: value });
}
