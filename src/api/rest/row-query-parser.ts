/**
 * The query string of the rows routes (`GET|PATCH|DELETE /v1/tables/{name}/rows`),
 * PostgREST-like:
 *
 *   select=a,b                  columns (default: every visible column); `alias:a` renames
 *   select=region,total:amount.sum(),count()
 *                               aggregates: sum() avg() min() max() over a column and
 *                               count() (rows) or col.count() (non-null values). When any
 *                               aggregate is present, the plain columns are the GROUP BY
 *                               keys. An aggregate's output name is its alias, else the
 *                               function name (`sum`, `count`); two equal names need aliases.
 *   <column>=[not.]op.value     filters, ANDed (grammar in row-query-filters.ts)
 *   or=(...) and=(...)          nested logic, also `not.or=(...)`
 *   order=a.desc,b.asc.nullsfirst
 *                               table columns; in aggregate queries output names
 *   limit=n offset=n            page size (default and cap from the server's limits)
 *   after=<cursor>              keyset pagination: the cursor from the previous page's
 *                               `Link: <...>; rel="next"` header. Needs `order`, and
 *                               every order column in the output; the order should end
 *                               with a unique column, or rows tied on it may be skipped
 *   at_version=n                time travel: read the table as of version n
 *   at_timestamp=t              time travel: as of the last version committed at or
 *                               before t (ISO 8601 or epoch milliseconds)
 *   all=true                    (PATCH/DELETE only) allow a request without filters
 *
 * Any other key is a column filter; a name that is not a visible column is a 400.
 */
import { BadRequestError } from '../errors.js';
import { isLogicalKey, parseColumnFilter, parseLogicalFilter, type Condition } from './row-query-filters.js';
import { parseOrder, parseSelect, type OrderTerm, type SelectItem } from './row-query-select.js';

export interface RowQuery {
  readonly select: readonly SelectItem[] | null;
  /** ANDed. */
  readonly where: readonly Condition[];
  readonly order: readonly OrderTerm[];
  readonly limit: number | null;
  readonly offset: number | null;
  readonly after: string | null;
  readonly atVersion: number | null;
  readonly atTimestamp: string | null;
  readonly all: boolean;
}

export type QueryParameters = Readonly<Record<string, string | readonly string[] | undefined>>;

const RESERVED = new Set(['select', 'order', 'limit', 'offset', 'after', 'at_version', 'at_timestamp', 'all']);

export function parseRowQuery(parameters: QueryParameters): RowQuery {
  const where: Condition[] = [];
  for (const [key, raw] of Object.entries(parameters)) {
    if (RESERVED.has(key) || raw === undefined) continue;
    for (const value of typeof raw === 'string' ? [raw] : raw) {
      where.push(isLogicalKey(key) ? parseLogicalFilter(key, value) : parseColumnFilter(key, value));
    }
  }
  const select = single(parameters, 'select');
  const order = single(parameters, 'order');
  const all = single(parameters, 'all');
  if (parameters.at_version !== undefined && parameters.at_timestamp !== undefined)
    throw new BadRequestError('Give at_version or at_timestamp, not both.', {});
  if (all !== undefined && all !== 'true' && all !== 'false')
    throw new BadRequestError(`all must be true or false, not "${all}".`, { all });
  return {
    select: select === undefined ? null : parseSelect(select),
    where,
    order: order === undefined || order === '' ? [] : parseOrder(order),
    limit: count(parameters, 'limit'),
    offset: count(parameters, 'offset'),
    after: single(parameters, 'after') ?? null,
    atVersion: count(parameters, 'at_version'),
    atTimestamp: single(parameters, 'at_timestamp') ?? null,
    all: all === 'true',
  };
}

/**
 * The parameters in a canonical form (sorted keys, repeated values in order), so that
 * equal requests written differently share an ETag and cache entry.
 */
export function normalizedParameters(parameters: QueryParameters): Array<[string, string[]]> {
  return Object.keys(parameters)
    .sort()
    .flatMap((key) => {
      const raw = parameters[key];
      return raw === undefined ? [] : [[key, typeof raw === 'string' ? [raw] : [...raw]] as [string, string[]]];
    });
}

function single(parameters: QueryParameters, key: string): string | undefined {
  const raw = parameters[key];
  if (raw === undefined || typeof raw === 'string') return raw;
  if (raw.length > 1)
    throw new BadRequestError(`${key} is given ${raw.length} times; give it once.`, { parameter: key });
  return raw[0];
}

function count(parameters: QueryParameters, key: string): number | null {
  const text = single(parameters, key);
  if (text === undefined) return null;
  if (!/^\d{1,15}$/.test(text.trim()))
    throw new BadRequestError(`${key} must be a non-negative integer, not "${text}".`, { parameter: key, value: text });
  return Number(text.trim());
}
