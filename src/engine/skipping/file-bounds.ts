/**
 * What one data file says about one column: bounds of its non-null values, whether it
 * may hold NaN, how many of its values are NULL. From partition values (exact) or from
 * the file's stats (bounds), always erring wide:
 *
 * - a string max that may have been truncated (32 characters, or ending in a writer's
 *   tie-breaker) bounds only the strings below its prefix's top;
 * - a timestamp max stands for up to 999 µs more (stats have millisecond precision and
 *   some writers truncate rather than round up);
 * - numbers carry the slack of their text (see skip-values.ts), floats and doubles may
 *   hold NaN, which no stat records;
 * - a zone-less timestamp partition value is only read when the partition time zone is UTC.
 */
import type { AddFile, DataType } from '../../lake/index.js';
import {
  MICROS_PER_DAY,
  mayHoldNaN,
  numericSlack,
  parseDate,
  parseTimestamp,
  timeZoneKindOf,
  type Value,
} from './skip-values.js';

/** A column a predicate reads: a partition column, or a (possibly nested) leaf with stats. */
export interface ColumnRef {
  /** The logical name as written for display (`s.x`). */
  readonly name: string;
  /** The names that reference it in SQL: visible column, then struct fields. */
  readonly names?: readonly string[];
  readonly type: DataType;
  /** Physical path in the stats (top-level column, then struct fields). */
  readonly path: readonly string[];
  /** Set for partition columns: the keys its value may have in partitionValues (physical, then logical). */
  readonly partitionKeys?: readonly string[];
}

/** What is known of one column's values in one file. */
export interface Bounds {
  /** Every non-null value is ≥ lower. */
  readonly lower?: Value;
  /** Every non-null value is ≤ upper; with `upperIsPrefix`, every value is below any string starting with upper. */
  readonly upper?: Value;
  readonly upperIsPrefix?: boolean;
  /** NaN may be present (above every number). */
  readonly nan: boolean;
  readonly nulls: 'none' | 'some' | 'all' | 'unknown';
}

const UNKNOWN_BOUNDS: Bounds = { nan: true, nulls: 'unknown' };

export interface ParsedStats {
  readonly numRecords?: number;
  readonly minValues?: Record<string, unknown>;
  readonly maxValues?: Record<string, unknown>;
  readonly nullCount?: Record<string, unknown>;
}

/** Options of one evaluation. */
export interface EvaluationOptions {
  /** Use only partition values (stats count as unknown): to tell partition pruning from stats pruning. */
  readonly partitionsOnly?: boolean;
  /** Time zone of partition timestamps written without one (as in the scan); default UTC. */
  readonly partitionTimeZone?: string;
}

const parsedStats = new WeakMap<AddFile, ParsedStats | null>();

export function fileStats(file: AddFile): ParsedStats | undefined {
  let stats = parsedStats.get(file);
  if (stats === undefined) {
    try {
      const parsed: unknown = file.stats ? JSON.parse(file.stats) : null;
      stats = typeof parsed === 'object' && parsed !== null ? (parsed as ParsedStats) : null;
    } catch {
      stats = null;
    }
    parsedStats.set(file, stats);
  }
  return stats ?? undefined;
}

/** The rows a file's stats say it has, or undefined. */
export function fileRecords(file: AddFile): number | undefined {
  const n = fileStats(file)?.numRecords;
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : undefined;
}

/** One file's columns, read from its stats and partition values on demand. */
export class FileColumns {
  private readonly stats: ParsedStats | undefined;

  constructor(
    private readonly file: AddFile,
    private readonly options: EvaluationOptions,
  ) {
    this.stats = options.partitionsOnly ? undefined : fileStats(file);
  }

  bounds(column: ColumnRef): Bounds {
    if (column.partitionKeys) return partitionBounds(this.file, column, this.options.partitionTimeZone ?? 'UTC');
    if (!this.stats) return UNKNOWN_BOUNDS;
    return statsBounds(this.stats, column);
  }
}

function partitionBounds(file: AddFile, column: ColumnRef, timeZone: string): Bounds {
  let text: string | null | undefined;
  for (const key of column.partitionKeys ?? []) {
    text = file.partitionValues[key];
    if (text !== undefined) break;
  }
  // An empty string is null for every type but strings (as the scan reads it).
  if (text === undefined || text === null || (text === '' && column.type !== 'string'))
    return { nan: false, nulls: 'all' };
  const value = partitionValue(text, column.type, timeZone);
  if (!value) return { nan: mayHoldNaN(column.type), nulls: 'none' };
  if (value.kind === 'num') {
    const exact: Value = { kind: 'num', value: value.value, slack: numericSlack(value.value, column.type) };
    return { lower: exact, upper: exact, nan: false, nulls: 'none' };
  }
  return { lower: value, upper: value, nan: false, nulls: 'none' };
}

function partitionValue(text: string, type: DataType, timeZone: string): Value | undefined {
  switch (type) {
    case 'string':
      return { kind: 'str', value: text };
    case 'boolean':
      return /^(true|false)$/i.test(text) ? { kind: 'bool', value: text.toLowerCase() === 'true' } : undefined;
    case 'date': {
      const days = parseDate(text);
      return days === undefined ? undefined : { kind: 'time', value: days * MICROS_PER_DAY, zone: 'date' };
    }
    case 'timestamp':
    case 'timestamp_ntz': {
      const parsed = parseTimestamp(text);
      if (!parsed) return undefined;
      // Zone-less instants are wall-clock time in the partition time zone: only UTC is read here.
      if (type === 'timestamp' && !parsed.zoned && !isUtc(timeZone)) return undefined;
      if (type === 'timestamp_ntz' && parsed.zoned) return undefined;
      return { kind: 'time', value: parsed.micros, zone: timeZoneKindOf(type)! };
    }
    default: {
      if (typeof type !== 'string' || type === 'binary' || type === 'variant') return undefined;
      const n = Number(text);
      return Number.isFinite(n) ? { kind: 'num', value: n } : undefined;
    }
  }
}

export function isUtc(timeZone: string): boolean {
  return /^(etc\/)?(utc|gmt|uct|universal|zulu|z)$/i.test(timeZone.trim());
}

function statsBounds(stats: ParsedStats, column: ColumnRef): Bounds {
  const nullCount = valueAt(stats.nullCount, column.path);
  const records = stats.numRecords;
  let nulls: Bounds['nulls'] = 'unknown';
  if (typeof nullCount === 'number') {
    if (nullCount === 0) nulls = 'none';
    else if (typeof records === 'number' && nullCount >= records) nulls = 'all';
    else nulls = 'some';
  }
  const nan = mayHoldNaN(column.type);
  const lower = statValue(valueAt(stats.minValues, column.path), column.type, 'min');
  const upper = statValue(valueAt(stats.maxValues, column.path), column.type, 'max');
  return {
    nan,
    nulls,
    ...(lower ? { lower: lower.value } : {}),
    ...(upper ? { upper: upper.value, ...(upper.prefix ? { upperIsPrefix: true } : {}) } : {}),
  };
}

function valueAt(node: Record<string, unknown> | undefined, path: readonly string[]): unknown {
  let value: unknown = node;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

const STRING_PREFIX = 32;
/** Characters writers append to a truncated max so it stays an upper bound. */
const TIE_BREAKERS = new Set(['\u{10FFFF}', '\uFFFF', '\uFFFD']);
/** Timestamp stats have millisecond precision: a max may stand for up to 999 µs more. */
const TIMESTAMP_MAX_SLACK = 999n;

/** A stats value as a bound of the column's domain; undefined when it bounds nothing usable. */
function statValue(raw: unknown, type: DataType, bound: 'min' | 'max'): { value: Value; prefix?: boolean } | undefined {
  if (raw === undefined || raw === null) return undefined;
  switch (type) {
    case 'string': {
      if (typeof raw !== 'string') return undefined;
      if (bound === 'min') return { value: { kind: 'str', value: raw } };
      // A max that may have been truncated only bounds the strings below its prefix's top.
      const chars = [...raw];
      const truncated = chars.length >= STRING_PREFIX || TIE_BREAKERS.has(chars[chars.length - 1] ?? '');
      if (!truncated) return { value: { kind: 'str', value: raw } };
      while (chars.length > 0 && TIE_BREAKERS.has(chars[chars.length - 1]!)) chars.pop();
      return { value: { kind: 'str', value: chars.join('') }, prefix: true };
    }
    case 'date': {
      const days = typeof raw === 'string' ? parseDate(raw) : undefined;
      return days === undefined ? undefined : { value: { kind: 'time', value: days * MICROS_PER_DAY, zone: 'date' } };
    }
    case 'timestamp':
    case 'timestamp_ntz': {
      const parsed = typeof raw === 'string' ? parseTimestamp(raw) : undefined;
      if (!parsed) return undefined;
      const micros = bound === 'max' ? parsed.micros + TIMESTAMP_MAX_SLACK : parsed.micros;
      return { value: { kind: 'time', value: micros, zone: timeZoneKindOf(type)! } };
    }
    case 'boolean':
    case 'binary':
    case 'variant':
      return undefined;
    default: {
      if (typeof type !== 'string') return undefined;
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      if (!Number.isFinite(n)) return undefined;
      return { value: { kind: 'num', value: n, slack: numericSlack(n, type) } };
    }
  }
}
