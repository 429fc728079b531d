/**
 * The point-in-time join as one DuckDB query of ASOF joins. The value of a view for an
 * entity row (keys, t) comes from the source row with the same keys that is first by
 *   event_time DESC, created_time DESC, then its feature values DESC (nulls last) in
 *   declared order
 * among those with event_time <= t and created_time <= t (bitemporal; a row without a
 * created time counts as created at its event time; event-time-only mode drops the
 * created-time condition but keeps the order), provided its event_time >= t - ttl when
 * the view has a TTL. The tie rule depends only on the data, so a rebuild over the same
 * versions picks the same row wherever it is stored.
 *
 * How it runs as ASOF joins: a row is visible from v = max(event_time, created_time)
 * on (from event_time on, event-time-only), so for each key the best row visible at v has
 * the running maximum, over rows ordered by v, of (event_time, created_time), one HUGEINT
 * (a window of scalars is cheap; one of wide structs is not). An ASOF join takes, for each
 * entity row, the last v <= t: its running maximum names the best visible (event, created)
 * pair; a GROUP BY of the source on keys and that pair gives its values, the tie rule
 * applied by comparing structs (`n_i`, true when feature i is not null, puts nulls last).
 * If that row is older than the TTL, so is every other visible row (it has the greatest
 * event time), and the value is null. Peers (equal v) share one running maximum, so which
 * one ASOF picks does not matter. A null key or timestamp matches nothing.
 */
import { quoteIdent } from '../../lake/index.js';
import { DUCKDB_TYPE, type FeatureType } from '../definition/feature-types.js';

export interface ViewJoin {
  readonly sourceSql: string;
  readonly keys: readonly (readonly [string, FeatureType])[];
  readonly eventTime: string;
  readonly createdTime?: string;
  /** 0: no TTL. */
  readonly ttlMs: number;
  readonly features: readonly { readonly name: string; readonly type: FeatureType; readonly output: string }[];
}

export interface PointInTimeRequest {
  /** The staged entity rows: `__row_index`, the input's columns, `__key_<key>` typed keys and `__ts`. */
  readonly entityTable: string;
  /** Internal columns of the entity table, left out of the result. */
  readonly internalColumns: readonly string[];
  readonly views: readonly ViewJoin[];
  /** false: event time only (created times order corrections but do not hide them). */
  readonly bitemporal: boolean;
}

export const keyColumn = (key: string): string => `__key_${key}`;

// (event, created) as one sortable HUGEINT: event micros in the high 64 bits, created micros (offset to be non-negative) in the low.
const pair = (et: string, ct: string) =>
  `(epoch_us(${et})::HUGEINT * 18446744073709551616::HUGEINT + (epoch_us(${ct}) + 4611686018427387904)::HUGEINT)`;

export function pointInTimeSql(request: PointInTimeRequest): string {
  const ctes: string[] = [];
  const joins: string[] = [];
  const outputs: string[] = [];
  request.views.forEach((view, i) => {
    const v = `__v${i}`;
    const keyCols = view.keys.map(([k]) => quoteIdent(keyColumn(k)));
    const et = `CAST(${quoteIdent(view.eventTime)} AS TIMESTAMPTZ)`;
    const ct = view.createdTime ? `coalesce(CAST(${quoteIdent(view.createdTime)} AS TIMESTAMPTZ), ${et})` : et;
    const keys = view.keys.map(
      ([k, t]) => `CAST(${quoteIdent(k)} AS ${DUCKDB_TYPE[t]}) AS ${quoteIdent(keyColumn(k))}`,
    );
    const values = view.features.map((f, j) => `CAST(${quoteIdent(f.name)} AS ${DUCKDB_TYPE[f.type]}) AS __f${j}`);
    ctes.push(
      `${v}_src AS (SELECT ${[...keys, `${et} AS __et`, `${ct} AS __ct`, ...values].join(', ')} ` +
        `FROM (${view.sourceSql}) WHERE ${quoteIdent(view.eventTime)} IS NOT NULL)`,
    );
    const visible = request.bitemporal ? 'greatest(__et, __ct)' : '__et';
    ctes.push(
      `${v}_rank AS (SELECT ${[...keyCols, `${visible} AS __v`].join(', ')}, ` +
        `max(${pair('__et', '__ct')}) OVER (PARTITION BY ${keyCols.join(', ')} ORDER BY ${visible}) AS __b FROM ${v}_src)`,
    );
    const rank = view.features.flatMap((_, j) => [`n${j} := __f${j} IS NOT NULL`, `f${j} := __f${j}`]);
    ctes.push(
      `${v}_vals AS (SELECT ${[...keyCols, `${pair('__et', '__ct')} AS __b`].join(', ')}, any_value(__et) AS __et, ` +
        `max(struct_pack(${rank.join(', ')})) AS __s FROM ${v}_src GROUP BY ALL)`,
    );
    joins.push(
      `ASOF LEFT JOIN ${v}_rank ${v}r ON ${[...keyCols.map((c) => `${v}r.${c} = e.${c}`), `e.__ts >= ${v}r.__v`].join(' AND ')} ` +
        `LEFT JOIN ${v}_vals ${v} ON ${[...keyCols.map((c) => `${v}.${c} = ${v}r.${c}`), `${v}.__b = ${v}r.__b`].join(' AND ')}`,
    );
    const fresh = view.ttlMs > 0 ? `${v}.__et >= e.__ts - to_milliseconds(${view.ttlMs})` : undefined;
    view.features.forEach((f, j) => {
      const value = `struct_extract(${v}.__s, 'f${j}')`;
      outputs.push(`${fresh ? `CASE WHEN ${fresh} THEN ${value} END` : value} AS ${quoteIdent(f.output)}`);
    });
  });
  const exclude = request.internalColumns.map(quoteIdent).join(', ');
  return (
    `WITH ${ctes.join(',\n')}\n` +
    `SELECT e.* EXCLUDE (${exclude}), ${outputs.join(', ')} FROM ${request.entityTable} e ${joins.join(' ')} ORDER BY e.__row_index`
  );
}
