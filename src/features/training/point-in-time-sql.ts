/**
 * The point-in-time join as one DuckDB query. For each distinct (join keys, timestamp t)
 * of the entity rows and each view, the candidate rows are those with the same keys and
 *   event_time <= t, created_time <= t (bitemporal; a row without a created time counts as
 *   created at its event time), event_time >= t - ttl (when the view has a TTL);
 * the chosen row is the first by event_time DESC, created_time DESC, then the feature
 * values DESC (NULLS LAST) in declared order: a stable rule that depends only on the
 * data, so a rebuild over the same versions picks the same row wherever it is stored.
 * The chosen values are joined back to every entity row (duplicates included) and the
 * result is ordered by the entity row's index. A null key or timestamp matches nothing.
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
  /** false: event time only (created times ignored). */
  readonly bitemporal: boolean;
}

export const keyColumn = (key: string): string => `__key_${key}`;

export function pointInTimeSql(request: PointInTimeRequest): string {
  const ctes: string[] = [];
  const joins: string[] = [];
  const outputs: string[] = [];
  request.views.forEach((view, i) => {
    const v = `__v${i}`;
    const keys = view.keys.map(([k]) => k);
    const created = view.createdTime
      ? `CAST(${quoteIdent(view.createdTime)} AS TIMESTAMPTZ)`
      : `CAST(${quoteIdent(view.eventTime)} AS TIMESTAMPTZ)`;
    const columns = [
      ...view.keys.map(([k, t]) => `CAST(${quoteIdent(k)} AS ${DUCKDB_TYPE[t]}) AS ${quoteIdent(keyColumn(k))}`),
      `CAST(${quoteIdent(view.eventTime)} AS TIMESTAMPTZ) AS __et`,
      `coalesce(${created}, CAST(${quoteIdent(view.eventTime)} AS TIMESTAMPTZ)) AS __ct`,
      ...view.features.map((f, j) => `CAST(${quoteIdent(f.name)} AS ${DUCKDB_TYPE[f.type]}) AS __f${j}`),
    ];
    ctes.push(
      `${v}_src AS (SELECT ${columns.join(', ')} FROM (${view.sourceSql}) WHERE ${quoteIdent(view.eventTime)} IS NOT NULL)`,
    );
    const keyCols = keys.map((k) => quoteIdent(keyColumn(k)));
    ctes.push(
      `${v}_q AS (SELECT DISTINCT ${[...keyCols, '__ts'].join(', ')} FROM ${request.entityTable} WHERE __ts IS NOT NULL)`,
    );
    const on = [
      ...keyCols.map((c) => `s.${c} = q.${c}`),
      's.__et <= q.__ts',
      ...(request.bitemporal ? ['s.__ct <= q.__ts'] : []),
      ...(view.ttlMs > 0 ? [`s.__et >= q.__ts - to_milliseconds(${view.ttlMs})`] : []),
    ];
    const order = [
      's.__et DESC',
      ...(request.bitemporal || view.createdTime ? ['s.__ct DESC'] : []),
      ...view.features.map((_, j) => `s.__f${j} DESC NULLS LAST`),
    ];
    const picked = view.features.map((_, j) => `s.__f${j}`);
    ctes.push(
      `${v} AS (SELECT ${[...keyCols.map((c) => `q.${c}`), 'q.__ts', ...picked].join(', ')} FROM ${v}_q q JOIN ${v}_src s ON ${on.join(' AND ')} ` +
        `QUALIFY row_number() OVER (PARTITION BY ${[...keyCols.map((c) => `q.${c}`), 'q.__ts'].join(', ')} ORDER BY ${order.join(', ')}) = 1)`,
    );
    joins.push(
      `LEFT JOIN ${v} ON ${[...keyCols.map((c) => `${v}.${c} = e.${c}`), `${v}.__ts = e.__ts`].join(' AND ')}`,
    );
    view.features.forEach((f, j) => outputs.push(`${v}.__f${j} AS ${quoteIdent(f.output)}`));
  });
  const exclude = request.internalColumns.map(quoteIdent).join(', ');
  return (
    `WITH ${ctes.join(',\n')}\n` +
    `SELECT e.* EXCLUDE (${exclude}), ${outputs.join(', ')} FROM ${request.entityTable} e ${joins.join(' ')} ORDER BY e.__row_index`
  );
}
