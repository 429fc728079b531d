/**
 * The values of the constants in a predicate, computed by DuckDB itself so that every
 * literal and cast means exactly what it will mean when the query runs: `DATE
 * '2026-01-01' + INTERVAL 1 DAY`, `'2026-01-01'::TIMESTAMPTZ` (in the session's time
 * zone), and a bare string literal compared with a column of another type (DuckDB casts
 * the literal to the column's type: `int_col > '1.6'` means `int_col > 2`). Plain
 * numbers and strings are read straight from the parse tree; everything else is
 * evaluated in one query per statement.
 */
import { DuckDBTypeId, type DuckDBConnection, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import { decimalParts, duckdbType, type DataType } from '../../lake/index.js';
import { child, children, isNode, runNode, stringValue, type AstNode } from './sql-ast.js';
import { MICROS_PER_DAY, numberValue, type Value } from '../skipping/skip-values.js';

/** A constant to evaluate; `castTo` is set for a string literal compared with a non-string column. */
export interface ConstantRequest {
  readonly node: AstNode;
  readonly castTo?: DataType;
}

/** The evaluated constants: a Value, `null` for SQL NULL, `undefined` when unknown. */
export interface ConstantResults {
  readonly values: ReadonlyMap<ConstantRequest, Value | null | undefined>;
  /** Whether the session time zone is UTC (instants and wall-clock times then compare directly). */
  readonly utcSession: boolean;
}

/** Functions that give the same result whenever they run (so they can be evaluated ahead). */
const DETERMINISTIC = new Set([
  '+',
  '-',
  '*',
  '/',
  '//',
  '%',
  '||',
  'to_years',
  'to_months',
  'to_weeks',
  'to_days',
  'to_hours',
  'to_minutes',
  'to_seconds',
  'to_milliseconds',
  'to_microseconds',
  'to_quarters',
  'to_decades',
  'to_centuries',
  'to_millennia',
  'trunc',
  'round',
  'floor',
  'ceil',
  'abs',
  'date_trunc',
  'make_date',
  'make_timestamp',
  'make_timestamptz',
  'epoch_ms',
  'to_timestamp',
  'strptime',
  'lower',
  'upper',
  'concat',
  'date_add',
  'date_sub',
]);

/** Is the expression made only of literals, casts and deterministic functions of them? */
export function isConstant(node: AstNode): boolean {
  if (node.class === 'CONSTANT') return true;
  if (node.class === 'CAST') {
    const inner = child(node, 'child');
    return inner !== undefined && isConstant(inner);
  }
  if (node.class === 'FUNCTION') {
    return (
      DETERMINISTIC.has(stringValue(node, 'function_name').toLowerCase()) &&
      stringValue(node, 'schema') === '' &&
      child(node, 'filter') === undefined &&
      children(node).every(isConstant)
    );
  }
  return false;
}

/** A string literal (not yet typed: DuckDB casts it to the type it is compared with). */
export function isStringLiteral(node: AstNode): boolean {
  return node.class === 'CONSTANT' && constantTypeId(node) === 'VARCHAR';
}

/** The literal value of a parsed CONSTANT, when it can be read without DuckDB. */
function readLiteral(node: AstNode): Value | null | undefined {
  if (node.class !== 'CONSTANT' || !isNode(node.value)) return undefined;
  const { value, is_null: isNull } = node.value as { value?: unknown; is_null?: boolean };
  if (isNull) return null;
  const type = constantTypeId(node);
  if (type === 'VARCHAR') return typeof value === 'string' ? { kind: 'str', value } : undefined;
  if (typeof value !== 'number') return undefined;
  // JSON numbers past 2^53 were rounded when the parse tree was read.
  if (['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT'].includes(type)) {
    return numberValue(value, Number.isSafeInteger(value));
  }
  if (type === 'DOUBLE') return numberValue(value, true);
  if (type === 'DECIMAL') {
    const info = (node.value as { type?: { type_info?: { scale?: unknown; width?: unknown } } }).type?.type_info;
    if (typeof info?.scale !== 'number') return undefined;
    return numberValue(
      value / 10 ** info.scale,
      Number.isSafeInteger(value) && typeof info.width === 'number' && info.width <= 15,
    );
  }
  return undefined;
}

function constantTypeId(node: AstNode): string {
  const value = node.value as { type?: { id?: unknown } } | undefined;
  return typeof value?.type?.id === 'string' ? value.type.id : '';
}

/** Evaluates the requests: literals directly, the rest in one DuckDB query. */
export async function evaluateConstants(
  connection: DuckDBConnection,
  requests: readonly ConstantRequest[],
): Promise<ConstantResults> {
  const values = new Map<ConstantRequest, Value | null | undefined>();
  const pending: ConstantRequest[] = [];
  for (const request of requests) {
    const literal = request.castTo === undefined ? readLiteral(request.node) : undefined;
    if (literal !== undefined) values.set(request, literal);
    else pending.push(request);
  }
  if (pending.length === 0) return { values, utcSession: false };
  const template: AstNode = {
    type: 'SELECT_NODE',
    modifiers: [],
    cte_map: { map: [] },
    from_table: { type: 'EMPTY', alias: '', sample: null, query_location: 0 },
    where_clause: null,
    group_expressions: [],
    group_sets: [],
    aggregate_handling: 'STANDARD_HANDLING',
    having: null,
    sample: null,
    qualify: null,
  };
  const timeZone: AstNode = {
    class: 'FUNCTION',
    type: 'FUNCTION',
    alias: '',
    query_location: 0,
    function_name: 'current_setting',
    schema: '',
    catalog: '',
    children: [
      {
        class: 'CONSTANT',
        type: 'VALUE_CONSTANT',
        alias: '',
        query_location: 0,
        value: { type: { id: 'VARCHAR', type_info: null }, is_null: false, value: 'TimeZone' },
      },
    ],
    filter: null,
    order_bys: { type: 'ORDER_MODIFIER', orders: [] },
    distinct: false,
    is_operator: false,
    export_state: false,
  };
  const list = pending.map((request) =>
    request.castTo === undefined ? request.node : tryCast(request.node, request.castTo),
  );
  try {
    const reader = await runNode(connection, { ...template, select_list: [...list, timeZone] });
    const row = reader.getRows()[0] ?? [];
    const types = reader.columnTypes();
    pending.forEach((request, i) => values.set(request, decodeValue(row[i] ?? null, types[i]!)));
    return { values, utcSession: isUtcName(String(row[pending.length] ?? '')) };
  } catch {
    // A constant DuckDB cannot evaluate fails the query itself later, with DuckDB's message.
    for (const request of pending) values.set(request, undefined);
    return { values, utcSession: false };
  }
}

function isUtcName(name: string): boolean {
  return /^(etc\/)?(utc|gmt|uct|universal|zulu|z)$/i.test(name.trim());
}

/** TRY_CAST(node AS <the column's DuckDB type>), as a parse-tree node. */
function tryCast(node: AstNode, type: DataType): AstNode {
  const decimal = decimalParts(type);
  const castType = decimal
    ? {
        id: 'DECIMAL',
        type_info: {
          type: 'DECIMAL_TYPE_INFO',
          alias: '',
          extension_info: null,
          width: decimal.precision,
          scale: decimal.scale,
        },
      }
    : { id: duckdbType(type) === 'TIMESTAMPTZ' ? 'TIMESTAMP WITH TIME ZONE' : duckdbType(type), type_info: null };
  return {
    class: 'CAST',
    type: 'OPERATOR_CAST',
    alias: '',
    query_location: 0,
    child: node,
    cast_type: castType,
    try_cast: true,
  };
}

/** A DuckDB value as a skipping Value: `null` for NULL, undefined for types skipping does not compare. */
export function decodeValue(value: DuckDBValue, type: DuckDBType): Value | null | undefined {
  if (value === null) return null;
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return typeof value === 'boolean' ? { kind: 'bool', value } : undefined;
    case DuckDBTypeId.VARCHAR:
      return typeof value === 'string' ? { kind: 'str', value } : undefined;
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
      // A float widens to a double exactly; integers past 2^53 do not.
      return typeof value === 'number' || typeof value === 'bigint'
        ? numberValue(Number(value), Number.isSafeInteger(Number(value)) || typeof value === 'number')
        : undefined;
    case DuckDBTypeId.DECIMAL: {
      const decimal = value as { value?: unknown; width?: unknown };
      return hasMethod(value, 'toDouble')
        ? numberValue(value.toDouble(), typeof decimal.width === 'number' && decimal.width <= 15)
        : undefined;
    }
    case DuckDBTypeId.DATE: {
      const days = (value as { days?: unknown }).days;
      return typeof days === 'number' && Math.abs(days) < 2 ** 31 - 1
        ? { kind: 'time', value: BigInt(days) * MICROS_PER_DAY, zone: 'date' }
        : undefined;
    }
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_TZ:
      return time((value as { micros?: unknown }).micros, 1n, type.typeId === DuckDBTypeId.TIMESTAMP_TZ);
    case DuckDBTypeId.TIMESTAMP_S:
      return time((value as { seconds?: unknown }).seconds, 1_000_000n, false);
    case DuckDBTypeId.TIMESTAMP_MS:
      return time((value as { millis?: unknown }).millis, 1000n, false);
    case DuckDBTypeId.TIMESTAMP_NS: {
      const nanos = (value as { nanos?: unknown }).nanos;
      return typeof nanos === 'bigint' ? time(nanos / 1000n, 1n, false) : undefined;
    }
    default:
      return undefined;
  }
}

function time(units: unknown, scale: bigint, zoned: boolean): Value | undefined {
  if (typeof units !== 'bigint') return undefined;
  // ±infinity are the extremes of the type's range.
  if (units >= 2n ** 62n || units <= -(2n ** 62n)) return undefined;
  return { kind: 'time', value: units * scale, zone: zoned ? 'tz' : 'ntz' };
}

function hasMethod<K extends string>(value: unknown, name: K): value is Record<K, () => number> {
  return typeof value === 'object' && value !== null && typeof (value as Record<string, unknown>)[name] === 'function';
}
