/**
 * Delta table schemas (PROTOCOL.md, "Schema Serialization Format"): parsing the
 * `schemaString`, the DuckDB type of every Delta type, and column mapping
 * (logical name ↔ physical name in the Parquet files).
 */
import { quoteIdent, quoteLiteral } from '../../duckdb/index.js';
import { CorruptLogError, UnsupportedProtocolError } from '../errors.js';

export type PrimitiveTypeName =
  | 'string'
  | 'long'
  | 'integer'
  | 'short'
  | 'byte'
  | 'float'
  | 'double'
  | 'boolean'
  | 'binary'
  | 'date'
  | 'timestamp'
  | 'timestamp_ntz'
  | 'variant';

export type DataType = PrimitiveTypeName | `decimal(${number},${number})` | StructType | ArrayType | MapType;

export interface StructField {
  readonly name: string;
  readonly type: DataType;
  readonly nullable: boolean;
  readonly metadata: Readonly<Record<string, unknown>>;
}

export interface StructType {
  readonly type: 'struct';
  readonly fields: readonly StructField[];
}

export interface ArrayType {
  readonly type: 'array';
  readonly elementType: DataType;
  readonly containsNull: boolean;
}

export interface MapType {
  readonly type: 'map';
  readonly keyType: DataType;
  readonly valueType: DataType;
  readonly valueContainsNull: boolean;
}

export const ColumnMappingMode = { none: 'none', name: 'name', id: 'id' } as const;
export type ColumnMappingMode = (typeof ColumnMappingMode)[keyof typeof ColumnMappingMode];

export function parseSchema(schemaString: string, file = 'metaData.schemaString'): StructType {
  let parsed: unknown;
  try {
    parsed = JSON.parse(schemaString);
  } catch (error) {
    throw new CorruptLogError(file, 'schemaString is not valid JSON', { cause: error });
  }
  if (!isStruct(parsed)) throw new CorruptLogError(file, 'schemaString is not a struct type');
  return parsed;
}

export function isStruct(type: unknown): type is StructType {
  return (
    typeof type === 'object' &&
    type !== null &&
    (type as { type?: unknown }).type === 'struct' &&
    Array.isArray((type as { fields?: unknown }).fields)
  );
}

export function isArray(type: DataType): type is ArrayType {
  return typeof type === 'object' && type.type === 'array';
}

export function isMap(type: DataType): type is MapType {
  return typeof type === 'object' && type.type === 'map';
}

const DECIMAL = /^decimal\((\d+),\s*(\d+)\)$/;

export function decimalParts(type: DataType): { precision: number; scale: number } | undefined {
  if (typeof type !== 'string') return undefined;
  const match = DECIMAL.exec(type);
  return match ? { precision: Number(match[1]), scale: Number(match[2]) } : undefined;
}

const PRIMITIVE_TO_DUCKDB: Readonly<Record<PrimitiveTypeName, string>> = {
  string: 'VARCHAR',
  long: 'BIGINT',
  integer: 'INTEGER',
  short: 'SMALLINT',
  byte: 'TINYINT',
  float: 'FLOAT',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  binary: 'BLOB',
  date: 'DATE',
  timestamp: 'TIMESTAMPTZ',
  timestamp_ntz: 'TIMESTAMP',
  variant: 'VARIANT',
};

/** The DuckDB type of a Delta type, using logical names for struct fields. */
export function duckdbType(type: DataType): string {
  if (typeof type === 'string') {
    const decimal = decimalParts(type);
    if (decimal) return `DECIMAL(${decimal.precision},${decimal.scale})`;
    const primitive = PRIMITIVE_TO_DUCKDB[type as PrimitiveTypeName];
    if (!primitive) throw new UnsupportedProtocolError(`Unsupported Delta data type "${type}".`, { type });
    return primitive;
  }
  if (type.type === 'struct') {
    return `STRUCT(${type.fields.map((f) => `${quoteIdent(f.name)} ${duckdbType(f.type)}`).join(', ')})`;
  }
  if (type.type === 'array') return `${duckdbType(type.elementType)}[]`;
  return `MAP(${duckdbType(type.keyType)}, ${duckdbType(type.valueType)})`;
}

const DUCKDB_TO_DELTA: Readonly<Record<string, DataType>> = {
  VARCHAR: 'string',
  BIGINT: 'long',
  INTEGER: 'integer',
  SMALLINT: 'short',
  TINYINT: 'byte',
  FLOAT: 'float',
  DOUBLE: 'double',
  BOOLEAN: 'boolean',
  BLOB: 'binary',
  DATE: 'date',
  'TIMESTAMP WITH TIME ZONE': 'timestamp',
  TIMESTAMPTZ: 'timestamp',
  TIMESTAMP: 'timestamp_ntz',
  TIMESTAMP_MS: 'timestamp_ntz',
  TIMESTAMP_S: 'timestamp_ntz',
  TIMESTAMP_NS: 'timestamp_ntz',
  // Unsigned and 128-bit integers widen to the next type that holds every value.
  UTINYINT: 'short',
  USMALLINT: 'integer',
  UINTEGER: 'long',
  UBIGINT: 'decimal(20,0)',
  HUGEINT: 'decimal(38,0)',
  UUID: 'string',
  JSON: 'string',
};

/** The Delta type of a DuckDB column type (for creating tables from query results). */
export function deltaTypeFromDuckdb(duckType: string): DataType {
  const trimmed = duckType.trim();
  const upper = trimmed.toUpperCase();
  if (upper.endsWith('[]')) {
    return { type: 'array', elementType: deltaTypeFromDuckdb(trimmed.slice(0, -2)), containsNull: true };
  }
  const decimal = /^DECIMAL\((\d+),\s*(\d+)\)$/.exec(upper);
  if (decimal) return `decimal(${Number(decimal[1])},${Number(decimal[2])})`;
  if (upper.startsWith('STRUCT(')) {
    return { type: 'struct', fields: splitTopLevel(trimmed.slice(7, -1)).map(parseStructMember) };
  }
  if (upper.startsWith('MAP(')) {
    const [key, value] = splitTopLevel(trimmed.slice(4, -1));
    return {
      type: 'map',
      keyType: deltaTypeFromDuckdb(key ?? 'VARCHAR'),
      valueType: deltaTypeFromDuckdb(value ?? 'VARCHAR'),
      valueContainsNull: true,
    };
  }
  const known = DUCKDB_TO_DELTA[upper];
  if (!known)
    throw new UnsupportedProtocolError(`DuckDB type ${duckType} has no Delta equivalent; cast the column first.`, {
      type: duckType,
    });
  return known;
}

function parseStructMember(member: string): StructField {
  const trimmed = member.trim();
  let name: string;
  let rest: string;
  if (trimmed.startsWith('"')) {
    const end = trimmed.indexOf('"', 1);
    name = trimmed.slice(1, end);
    rest = trimmed.slice(end + 1);
  } else {
    const space = trimmed.indexOf(' ');
    name = trimmed.slice(0, space);
    rest = trimmed.slice(space + 1);
  }
  return { name, type: deltaTypeFromDuckdb(rest), nullable: true, metadata: {} };
}

/** Splits "a INT, b STRUCT(x INT, y INT)" at top-level commas. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === '(') depth++;
    else if (!quoted && c === ')') depth--;
    else if (!quoted && c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

// Quoting belongs to the DuckDB foundation; re-exported for the lake's own files.
export { quoteIdent, quoteLiteral };

export function columnMappingMode(configuration: Readonly<Record<string, string>>): ColumnMappingMode {
  const mode = configuration['delta.columnMapping.mode'] ?? 'none';
  if (mode === 'none' || mode === 'name' || mode === 'id') return mode;
  throw new UnsupportedProtocolError(`Unknown column mapping mode "${mode}".`, { mode });
}

/** The name of a field in the Parquet files under the given mapping mode. */
export function physicalName(field: StructField, mode: ColumnMappingMode): string {
  if (mode === 'none') return field.name;
  const physical = field.metadata['delta.columnMapping.physicalName'];
  return typeof physical === 'string' ? physical : field.name;
}

export function fieldId(field: StructField): number | undefined {
  const id = field.metadata['delta.columnMapping.id'];
  return typeof id === 'number' ? id : undefined;
}

/** Top-level field by name, case-insensitively as Delta resolves column names. */
export function findField(schema: StructType, name: string): StructField | undefined {
  const lower = name.toLowerCase();
  return schema.fields.find((f) => f.name === name) ?? schema.fields.find((f) => f.name.toLowerCase() === lower);
}

export function typeToString(type: DataType): string {
  return typeof type === 'string' ? type : JSON.stringify(type);
}

/** Structural type equality, ignoring field metadata and nullability. */
export function sameType(a: DataType, b: DataType): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  if (a.type === 'struct' && b.type === 'struct') {
    return (
      a.fields.length === b.fields.length &&
      a.fields.every((f, i) => f.name === b.fields[i]?.name && sameType(f.type, b.fields[i]!.type))
    );
  }
  if (a.type === 'array' && b.type === 'array') return sameType(a.elementType, b.elementType);
  if (a.type === 'map' && b.type === 'map') return sameType(a.keyType, b.keyType) && sameType(a.valueType, b.valueType);
  return false;
}
