/**
 * How Delta column types appear in GraphQL:
 *
 *   string, binary                     String
 *   integer, short, byte               Int
 *   long                               BigInt  (a number when it fits in 2^53, else a string of digits; input: Int or digit string)
 *   float, double                      Float
 *   boolean                            Boolean
 *   decimal(p,s)                       String  (exact text; compared as DECIMAL(p,s))
 *   date, timestamp, timestamp_ntz     String  (ISO 8601; compared as the SQL type)
 *   struct, array, map, variant        JSON    (only `_is_null` in filters)
 *
 * Every literal a filter or mutation sends to SQL is `CAST('<text>' AS <column type>)`,
 * so values are checked by DuckDB's own conversions and no text reaches SQL unquoted.
 */
import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { decimalParts, duckdbType, type DataType } from '../../lake/index.js';

export type ScalarName = 'String' | 'Int' | 'BigInt' | 'Float' | 'Boolean' | 'JSON';

export interface ColumnType {
  readonly scalar: ScalarName;
  /** The DuckDB type literals are cast to. */
  readonly sqlType: string;
  /** Ordered (min/max, _gt...): everything but JSON and booleans. */
  readonly ordered: boolean;
  /** sum/avg make sense. */
  readonly numeric: boolean;
}

export function columnType(type: DataType): ColumnType {
  if (typeof type !== 'string' || type === 'variant')
    return { scalar: 'JSON', sqlType: 'JSON', ordered: false, numeric: false };
  const sqlType = duckdbType(type);
  if (decimalParts(type)) return { scalar: 'String', sqlType, ordered: true, numeric: true };
  switch (type) {
    case 'integer':
    case 'short':
    case 'byte':
      return { scalar: 'Int', sqlType, ordered: true, numeric: true };
    case 'long':
      return { scalar: 'BigInt', sqlType, ordered: true, numeric: true };
    case 'float':
    case 'double':
      return { scalar: 'Float', sqlType, ordered: true, numeric: true };
    case 'boolean':
      return { scalar: 'Boolean', sqlType, ordered: false, numeric: false };
    case 'binary':
      return { scalar: 'String', sqlType, ordered: false, numeric: false };
    default:
      return { scalar: 'String', sqlType, ordered: true, numeric: false };
  }
}

/** The scalar of `sum(column)`: integer sums can pass 2^31, so BigInt; decimals stay exact text. */
export function sumScalar(type: ColumnType): ScalarName {
  if (type.scalar === 'Int' || type.scalar === 'BigInt') return 'BigInt';
  return type.scalar;
}

const DIGITS = /^-?\d+$/;

function bigIntValue(value: unknown): number | string {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (typeof value === 'string' && DIGITS.test(value))
    return Number.isSafeInteger(Number(value)) ? Number(value) : value;
  throw new GraphQLError(`BigInt cannot represent ${JSON.stringify(value)}: send an integer or a string of digits.`, {
    extensions: { code: 'BAD_USER_INPUT' },
  });
}

export const BigIntScalar = new GraphQLScalarType({
  name: 'BigInt',
  description: 'A 64-bit integer: a number when it fits in 2^53, otherwise a string of digits.',
  serialize: (value) => bigIntValue(value),
  parseValue: (value) => bigIntValue(value),
  parseLiteral: (node) => {
    if (node.kind === Kind.INT || node.kind === Kind.STRING) return bigIntValue(node.value);
    throw new GraphQLError('BigInt literals are integers or strings of digits.', {
      nodes: [node],
      extensions: { code: 'BAD_USER_INPUT' },
    });
  },
});

function literalJson(node: ValueNode, variables: Readonly<Record<string, unknown>> | null | undefined): unknown {
  switch (node.kind) {
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.STRING:
    case Kind.ENUM:
      return node.value;
    case Kind.BOOLEAN:
      return node.value;
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return node.values.map((v) => literalJson(v, variables));
    case Kind.OBJECT:
      return Object.fromEntries(node.fields.map((f) => [f.name.value, literalJson(f.value, variables)]));
    case Kind.VARIABLE:
      return variables?.[node.name.value];
  }
}

export const JsonScalar = new GraphQLScalarType({
  name: 'JSON',
  description: 'Any JSON value (nested columns, run parameters, event data).',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (node, variables) => literalJson(node, variables),
});
