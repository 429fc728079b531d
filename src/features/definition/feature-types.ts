/**
 * The value types a definition declares for join keys and features, and which DuckDB
 * column types satisfy each (checked against the source at plan time). A declared type
 * accepts a narrower column of its family (an int64 feature over an INTEGER column) and a
 * float one an integer column (read as floats), never another family: a VARCHAR column is no float64.
 */
export const FeatureType = {
  int32: 'int32',
  int64: 'int64',
  float32: 'float32',
  float64: 'float64',
  string: 'string',
  bool: 'bool',
  timestamp: 'timestamp',
  date: 'date',
} as const;
export type FeatureType = (typeof FeatureType)[keyof typeof FeatureType];

const ACCEPTED: Readonly<Record<FeatureType, readonly string[]>> = {
  int32: ['TINYINT', 'SMALLINT', 'INTEGER', 'UTINYINT', 'USMALLINT'],
  int64: ['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'UTINYINT', 'USMALLINT', 'UINTEGER'],
  float32: ['FLOAT', 'TINYINT', 'SMALLINT', 'UTINYINT', 'USMALLINT'],
  float64: [
    'FLOAT',
    'DOUBLE',
    'DECIMAL',
    'TINYINT',
    'SMALLINT',
    'INTEGER',
    'BIGINT',
    'UTINYINT',
    'USMALLINT',
    'UINTEGER',
  ],
  string: ['VARCHAR'],
  bool: ['BOOLEAN'],
  timestamp: ['TIMESTAMP', 'TIMESTAMP WITH TIME ZONE', 'TIMESTAMP_NS', 'TIMESTAMP_MS', 'TIMESTAMP_S', 'DATE'],
  date: ['DATE'],
};

/** The DuckDB type a value of `type` is cast to (entity rows, outputs). */
export const DUCKDB_TYPE: Readonly<Record<FeatureType, string>> = {
  int32: 'INTEGER',
  int64: 'BIGINT',
  float32: 'FLOAT',
  float64: 'DOUBLE',
  string: 'VARCHAR',
  bool: 'BOOLEAN',
  timestamp: 'TIMESTAMP WITH TIME ZONE',
  date: 'DATE',
};

export function isFeatureType(value: unknown): value is FeatureType {
  return typeof value === 'string' && Object.hasOwn(FeatureType, value);
}

/** Whether a source column of DuckDB type `columnType` can hold values of `type`. */
export function acceptsColumn(type: FeatureType, columnType: string): boolean {
  const base = columnType.toUpperCase().replace(/\(.*\)$/, '');
  return ACCEPTED[type].includes(base);
}
