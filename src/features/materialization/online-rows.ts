/**
 * From source rows to online rows: one DuckDB query keeps, per entity key, the row the
 * offline side would rank first (event time, then created time, latest first; then the
 * feature values in declared order, greatest first, nulls last), with times as
 * microseconds; then each result chunk becomes OnlineRows for the store, whose
 * newest-wins compare-and-set decides against what it already holds.
 *
 * A row without an event time or with a null key is no online row (offline, it matches
 * nothing). A row without a created time counts as created at its event time, as offline.
 */
import type { DuckDBDataChunk } from '@duckdb/node-api';
import { quoteIdent } from '../../lake/index.js';
import type { FeatureViewDefinition } from '../definition/feature-definition.js';
import type { FeatureType } from '../definition/feature-types.js';
import type { JoinKeyValue } from '../online/entity-key.js';
import type { FeatureValue, OnlineRow } from '../online/online-store.js';

const EVENT = '__strata_event_us';
const CREATED = '__strata_created_us';

export interface RowShape {
  readonly keys: readonly (readonly [string, FeatureType])[];
  readonly features: readonly (readonly [string, FeatureType])[];
}

export function rowShape(view: FeatureViewDefinition, keys: readonly (readonly [string, string])[]): RowShape {
  return {
    keys: keys.map(([name, type]) => [name, type as FeatureType] as const),
    features: Object.entries(view.features),
  };
}

const micros = (column: string) => `epoch_us(CAST(${quoteIdent(column)} AS TIMESTAMP))`;

/** What a column of this type becomes in the query: JavaScript-friendly DuckDB values. */
function projected(column: string, type: FeatureType): string {
  const c = quoteIdent(column);
  switch (type) {
    case 'int32':
    case 'int64':
      return `CAST(${c} AS BIGINT)`;
    case 'float32':
    case 'float64':
      return `CAST(${c} AS DOUBLE)`;
    case 'bool':
      return `CAST(${c} AS BOOLEAN)`;
    case 'string':
      return `CAST(${c} AS VARCHAR)`;
    case 'timestamp':
    case 'date':
      return `epoch_ms(CAST(${c} AS TIMESTAMP))`;
  }
}

/** The newest row per key of `relation` (a SELECT over the source's columns). */
export function latestRowsSql(relation: string, view: FeatureViewDefinition, shape: RowShape): string {
  const created = view.createdTime
    ? `coalesce(${micros(view.createdTime)}, ${micros(view.eventTime)})`
    : micros(view.eventTime);
  const keys = shape.keys.map(([k]) => quoteIdent(k));
  const ties = shape.features.map(([f]) => `${quoteIdent(f)} DESC NULLS LAST`);
  const order = [`${micros(view.eventTime)} DESC`, `${created} DESC`, ...ties].join(', ');
  const columns = [
    ...shape.keys.map(([k, t]) => `${projected(k, t)} AS ${quoteIdent(k)}`),
    `${micros(view.eventTime)} AS ${EVENT}`,
    `${created} AS ${CREATED}`,
    ...shape.features.map(([f, t]) => `${projected(f, t)} AS ${quoteIdent(f)}`),
  ];
  const notNull = [...keys, quoteIdent(view.eventTime)].map((c) => `${c} IS NOT NULL`).join(' AND ');
  return (
    `SELECT ${columns.join(', ')} FROM (${relation}) AS __source WHERE ${notNull}` +
    ` QUALIFY row_number() OVER (PARTITION BY ${keys.join(', ')} ORDER BY ${order}) = 1`
  );
}

type Convert = (value: unknown) => FeatureValue;

const toNumber = (value: unknown): number | bigint => {
  const n = value as bigint;
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
};

function converter(type: FeatureType): Convert {
  switch (type) {
    case 'int32':
    case 'int64':
      return (v) => (v === null ? null : toNumber(v));
    case 'timestamp':
    case 'date':
      return (v) => (v === null ? null : new Date(Number(v as bigint)));
    default:
      return (v) => (v === null ? null : (v as FeatureValue));
  }
}

/** Turns result chunks of latestRowsSql into OnlineRows. */
export function chunkRows(shape: RowShape): (chunk: DuckDBDataChunk) => OnlineRow[] {
  const keyConverters = shape.keys.map(([name, type]) => [name, converter(type)] as const);
  const featureConverters = shape.features.map(([name, type]) => [name, converter(type)] as const);
  const k = keyConverters.length;
  return (chunk) => {
    const columns = chunk.getColumns();
    const rows: OnlineRow[] = new Array<OnlineRow>(chunk.rowCount);
    for (let i = 0; i < chunk.rowCount; i++) {
      const key: Record<string, JoinKeyValue> = {};
      keyConverters.forEach(([name, convert], c) => (key[name] = convert(columns[c]![i]) as JoinKeyValue));
      const values: Record<string, FeatureValue> = {};
      featureConverters.forEach(([name, convert], c) => (values[name] = convert(columns[k + 2 + c]![i])));
      rows[i] = {
        key,
        eventTime: Number(columns[k]![i] as bigint),
        createdTime: Number(columns[k + 1]![i] as bigint),
        values,
      };
    }
    return rows;
  };
}
