/**
 * Z-order (Morton order) for `OPTIMIZE ... ZORDER BY (a, b, ...)`, computed in DuckDB.
 *
 * 1. Each column becomes an unsigned bucket number in [0, 2^bits), in value order,
 *    spread evenly over the rows (like Delta's `range_partition_id`, which range-
 *    partitions by sampled bounds) so that skewed columns still use every bucket:
 *    - numbers, dates and timestamps: piecewise-linear over 16 equal-frequency
 *      segments whose bounds are quantiles of a sample — one cheap projection;
 *    - strings: `ntile(2^bits)` over the column, an exact rank (one window sort each).
 *    Nulls take bucket 0.
 * 2. The buckets are interleaved bit by bit into one UBIGINT: bit `b` of column `j`
 *    (of `d`) lands at position `b*d + (d-1-j)`, so the first column owns the most
 *    significant bit of every group. Spreading uses the "magic bits" method (log2(bits)
 *    shift-and-mask steps per column, each a projection level) rather than one term
 *    per bit.
 * Sorting by the Z-value keeps rows that are close in all the columns at once close in
 * file order; cutting the sorted rows into files gives each file a compact box in every
 * Z-order column, hence tight min/max stats for data skipping.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteIdent, type DataType } from '../log/schema.js';

const MAX_TOTAL_BITS = 64;
const MAX_BITS_PER_COLUMN = 16;
const MAX_SEGMENT_BITS = 4;
const SAMPLE_ROWS = 100_000;

export interface ZorderColumn {
  readonly name: string;
  readonly type: DataType;
}

/** Bits of resolution per column for `numColumns` Z-order columns (all fit 64 bits). */
export function zorderBits(numColumns: number): number {
  if (!Number.isInteger(numColumns) || numColumns < 1 || numColumns > MAX_TOTAL_BITS) {
    throw new RangeError(`Z-order needs 1 to ${MAX_TOTAL_BITS} columns, not ${numColumns}`);
  }
  return Math.min(MAX_BITS_PER_COLUMN, Math.floor(MAX_TOTAL_BITS / numColumns));
}

/** The reference interleaving (what the SQL computes), for tests and documentation. */
export function interleaveBits(values: readonly bigint[], bits: number): bigint {
  const d = values.length;
  let z = 0n;
  for (let b = 0; b < bits; b++) {
    values.forEach((value, j) => {
      z |= ((value >> BigInt(b)) & 1n) << BigInt(b * d + (d - 1 - j));
    });
  }
  return z;
}

/**
 * The rows of `relation` with an extra UBIGINT column `zColumn`: their Z-value over
 * `columns`. Samples the relation once (for the numeric columns' bounds).
 */
export async function zorderedRelation(
  connection: DuckDBConnection,
  relation: string,
  columns: readonly ZorderColumn[],
  zColumn: string,
): Promise<string> {
  const bits = zorderBits(columns.length);
  const buckets = await bucketExpressions(connection, relation, columns, bits);
  const names = columns.map((_, j) => `${zColumn}_b${j}`);
  const withBuckets = `SELECT *, ${buckets.map((e, j) => `${e} AS ${quoteIdent(names[j]!)}`).join(', ')} FROM (${relation})`;
  return interleavedRelation(withBuckets, names, bits, zColumn);
}

/** Per column, an SQL expression (over `relation`'s columns) of its bucket in [0, 2^bits). */
export async function bucketExpressions(
  connection: DuckDBConnection,
  relation: string,
  columns: readonly ZorderColumn[],
  bits: number,
): Promise<string[]> {
  const numeric = columns.map((c) => numericExpr(quoteIdent(c.name), c.type));
  const sampled = numeric.flatMap((expr, j) => (expr === undefined ? [] : [{ j, expr }]));
  const bounds = new Map<number, Array<number | null>>();
  if (sampled.length > 0) {
    const segmentBits = Math.min(MAX_SEGMENT_BITS, bits);
    const fractions = Array.from({ length: 2 ** segmentBits + 1 }, (_, i) => i / 2 ** segmentBits).join(', ');
    const sample = `SELECT ${sampled.map((s, i) => `${s.expr} AS __v${i}`).join(', ')} FROM (${relation}) USING SAMPLE reservoir(${SAMPLE_ROWS} ROWS)`;
    const reader = await connection.runAndReadAll(
      `SELECT ${sampled.map((_, i) => `CAST(quantile_disc(__v${i}, [${fractions}]) AS DOUBLE[])`).join(', ')} FROM (${sample})`,
    );
    const row = reader.getRowsJson()[0] ?? [];
    sampled.forEach((s, i) => bounds.set(s.j, ((row[i] as Array<number | string | null> | null) ?? []).map(toNumber)));
  }
  return columns.map((column, j) => {
    const expr = numeric[j];
    const bucket =
      expr === undefined
        ? `ntile(${2 ** bits}) OVER (ORDER BY ${quoteIdent(column.name)} ASC NULLS FIRST) - 1`
        : `CASE WHEN ${expr} IS NULL THEN 0 ELSE ${piecewise(expr, bounds.get(j) ?? [], bits)} END`;
    return `CAST(${bucket} AS UBIGINT)`;
  });
}

/**
 * `relation` (which has UBIGINT columns `bucketColumns`, each < 2^bits) with those
 * columns replaced by their interleaving, named `zColumn`.
 */
export function interleavedRelation(
  relation: string,
  bucketColumns: readonly string[],
  bits: number,
  zColumn: string,
): string {
  const d = bucketColumns.length;
  const cols = bucketColumns.map(quoteIdent);
  let sql = relation;
  // Spread each column's bits d apart: log2(bits) steps, each moving the bits whose
  // index has bit g set up by g*(d-1). Pre-masking keeps every shift within 64 bits.
  for (let g = highestPowerOfTwoBelow(bits); d > 1 && g >= 1; g >>= 1) {
    let move = 0n;
    let keep = 0n;
    for (let i = 0; i < bits; i++) {
      const position = BigInt(i + (d - 1) * (i & ~(2 * g - 1)));
      if (i & g) move |= 1n << position;
      else keep |= 1n << position;
    }
    const steps = cols.map((c) => `(${c} & ${keep}::UBIGINT) | ((${c} & ${move}::UBIGINT) << ${g * (d - 1)}) AS ${c}`);
    sql = `SELECT * REPLACE (${steps.join(', ')}) FROM (${sql})`;
  }
  const z = cols.map((c, j) => `(${c} << ${d - 1 - j})`).join(' | ');
  return `SELECT * EXCLUDE (${cols.join(', ')}), ${z} AS ${quoteIdent(zColumn)} FROM (${sql})`;
}

/** A DOUBLE expression ordered like the column, or undefined for types ranked by ntile. */
function numericExpr(column: string, type: DataType): string | undefined {
  if (typeof type !== 'string') return undefined;
  if (type === 'date' || type === 'timestamp' || type === 'timestamp_ntz') return `CAST(epoch(${column}) AS DOUBLE)`;
  if (['byte', 'short', 'integer', 'long', 'float', 'double'].includes(type) || type.startsWith('decimal'))
    return `CAST(${column} AS DOUBLE)`;
  return undefined;
}

/** Bucket of a non-null value: its segment between sampled quantiles, then linear within it. */
function piecewise(expr: string, bounds: ReadonlyArray<number | null>, bits: number): string {
  const edges = bounds.filter((b): b is number => b !== null && Number.isFinite(b));
  if (edges.length < 2) return '0';
  const segments = edges.length - 1;
  const perSegment = Math.floor(2 ** bits / segments);
  const leaf = (s: number): string => {
    const low = edges[s]!;
    const width = edges[s + 1]! - low;
    if (!(width > 0) || !Number.isFinite(perSegment / width)) return String(s * perSegment);
    return `${s * perSegment} + least(${perSegment - 1}, greatest(0, floor((${expr} - ${literal(low)}) * ${literal(perSegment / width)})))`;
  };
  const tree = (lo: number, hi: number): string => {
    if (hi - lo === 1) return leaf(lo);
    const mid = (lo + hi) >> 1;
    return `CASE WHEN ${expr} < ${literal(edges[mid]!)} THEN ${tree(lo, mid)} ELSE ${tree(mid, hi)} END`;
  };
  return tree(0, segments);
}

function literal(value: number): string {
  return `CAST('${String(value)}' AS DOUBLE)`;
}

function toNumber(value: number | string | null): number | null {
  if (value === null) return null;
  const n = Number(value);
  return Number.isNaN(n) ? null : n;
}

function highestPowerOfTwoBelow(bits: number): number {
  let g = 1;
  while (g * 2 < bits) g *= 2;
  return bits > 1 ? g : 0;
}
