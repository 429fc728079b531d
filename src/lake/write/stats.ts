/**
 * Per-file statistics (PROTOCOL.md, "Per-file Statistics") built from the column
 * statistics DuckDB returns while writing a Parquet file (`COPY ... RETURN_STATS`),
 * so collecting them costs no second pass over the data.
 *
 * Stats use physical column names, nest for struct fields, cover the first
 * `delta.dataSkippingNumIndexedCols` leaf columns (default 32) or the columns named in
 * `delta.dataSkippingStatsColumns`, and truncate strings to 32 characters (the max
 * gets a tie-breaker so it stays an upper bound).
 */
import { parseDuckdbTimestamp } from '../../duckdb/index.js';
import {
  decimalParts,
  isStruct,
  physicalName,
  type ColumnMappingMode,
  type DataType,
  type StructField,
  type StructType,
} from '../log/schema.js';

export interface FileStats {
  numRecords: number;
  minValues: Record<string, unknown>;
  maxValues: Record<string, unknown>;
  nullCount: Record<string, unknown>;
  tightBounds?: boolean;
}

/** DuckDB's per-column stats for one written file, keyed by the quoted column path. */
export type DuckdbColumnStats = ReadonlyMap<string, Readonly<Record<string, string | null>>>;

const STRING_PREFIX = 32;
const MAX_TIE_BREAKER = '\u{10FFFF}';

interface Leaf {
  /** Physical path from the top-level column. */
  readonly path: readonly string[];
  readonly type: DataType;
}

/** The leaf columns that get stats, in schema order, honouring the table's settings. */
export function statsLeaves(
  schema: StructType,
  mode: ColumnMappingMode,
  partitionColumns: readonly string[],
  configuration: Readonly<Record<string, string>>,
): Leaf[] {
  const partitions = new Set(partitionColumns.map((c) => c.toLowerCase()));
  const explicit = configuration['delta.dataSkippingStatsColumns'];
  const wanted = explicit ? new Set(explicit.split(',').map((c) => c.trim().toLowerCase())) : undefined;
  const limit = Number(configuration['delta.dataSkippingNumIndexedCols'] ?? 32);
  const leaves: Leaf[] = [];
  const visit = (field: StructField, logical: string[], physical: string[]) => {
    const logicalPath = [...logical, field.name];
    const physicalPath = [...physical, physicalName(field, mode)];
    if (isStruct(field.type)) {
      for (const child of field.type.fields) visit(child, logicalPath, physicalPath);
      return;
    }
    if (typeof field.type !== 'string') return; // arrays and maps: no stats
    if (wanted && !wanted.has(logicalPath.join('.').toLowerCase()) && !wanted.has(logicalPath[0]!.toLowerCase()))
      return;
    leaves.push({ path: physicalPath, type: field.type });
  };
  for (const field of schema.fields) {
    if (!partitions.has(field.name.toLowerCase())) visit(field, [], []);
  }
  return wanted || limit < 0 ? leaves : leaves.slice(0, limit);
}

export function buildFileStats(numRecords: number, leaves: readonly Leaf[], columns: DuckdbColumnStats): FileStats {
  const stats: FileStats = { numRecords, minValues: {}, maxValues: {}, nullCount: {} };
  for (const leaf of leaves) {
    const column = columns.get(leaf.path.map((p) => `"${p.replace(/"/g, '""')}"`).join('.'));
    if (!column) continue;
    const nulls = column.null_count;
    if (nulls !== undefined && nulls !== null) setPath(stats.nullCount, leaf.path, Number(nulls));
    if (column.min === undefined || column.min === null || column.max === undefined || column.max === null) continue;
    const min = statValue(column.min, leaf.type, 'min');
    const max = statValue(column.max, leaf.type, 'max');
    if (min !== undefined && max !== undefined) {
      setPath(stats.minValues, leaf.path, min);
      setPath(stats.maxValues, leaf.path, max);
    }
  }
  return stats;
}

/** A DuckDB stat string as the JSON value Delta stores; undefined where Delta keeps none. */
function statValue(text: string, type: DataType, bound: 'min' | 'max'): unknown {
  switch (type) {
    case 'string': {
      const chars = [...text];
      if (chars.length <= STRING_PREFIX) return text;
      const prefix = chars.slice(0, STRING_PREFIX).join('');
      return bound === 'min' ? prefix : prefix + MAX_TIE_BREAKER;
    }
    case 'long':
    case 'integer':
    case 'short':
    case 'byte': {
      const n = Number(text);
      return Number.isSafeInteger(n) ? n : undefined;
    }
    case 'float':
    case 'double': {
      const n = Number(text);
      return Number.isFinite(n) ? n : undefined; // NaN/Infinity cannot be JSON numbers
    }
    case 'date':
      return text;
    case 'timestamp':
      return timestampStat(text, bound, true);
    case 'timestamp_ntz':
      return timestampStat(text, bound, false);
    case 'boolean':
    case 'binary':
    case 'variant':
      return undefined;
    default:
      return decimalParts(type) ? Number(text) : undefined;
  }
}

/**
 * Delta timestamp stats have millisecond precision; DuckDB's have microseconds.
 * Round the min down and the max up so the bounds stay bounds.
 */
function timestampStat(text: string, bound: 'min' | 'max', utc: boolean): string | undefined {
  const parsed = parseDuckdbTimestamp(text);
  if (!parsed) return undefined;
  const millis = parsed.millis + (bound === 'max' && parsed.extraMicros !== 0 ? 1 : 0);
  const iso = new Date(millis).toISOString();
  return utc ? iso : iso.slice(0, -1);
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next === 'object' && next !== null) node = next as Record<string, unknown>;
    else node = node[key] = {};
  }
  node[path[path.length - 1]!] = value;
}
