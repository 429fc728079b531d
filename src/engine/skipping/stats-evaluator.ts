/**
 * Evaluates a predicate against one data file's partition values and statistics, in
 * three-valued logic: for each file it answers whether some row *may* make the predicate
 * true, false or NULL. A file can be skipped only when no row may make it true.
 *
 * Every answer errs towards "may": a missing statistic, a truncated string, a timestamp
 * rounded to milliseconds, a float that may be NaN (DuckDB orders NaN above every number
 * and Delta stats never record it) all widen what a file may hold. NOT is exact in this
 * logic (it swaps "may be true" and "may be false"), so it is sound wherever it appears.
 */
import type { AddFile } from '../../lake/index.js';
import { FileColumns, fileRecords, type Bounds, type ColumnRef, type EvaluationOptions } from './file-bounds.js';
import { compareStrings, compareValues, type Value } from './skip-values.js';

export interface Limit {
  readonly value: Value;
  readonly inclusive: boolean;
}

export type Predicate =
  | { readonly kind: 'and' | 'or'; readonly children: readonly Predicate[] }
  | { readonly kind: 'not'; readonly child: Predicate }
  /** lower <(=) column <(=) upper; `=` is a range with equal inclusive limits. */
  | { readonly kind: 'range'; readonly column: ColumnRef; readonly lower?: Limit; readonly upper?: Limit }
  | { readonly kind: 'ne'; readonly column: ColumnRef; readonly value: Value }
  /** `values` sorted, without NULLs; `hasNull` when the list had a NULL. */
  | { readonly kind: 'in'; readonly column: ColumnRef; readonly values: readonly Value[]; readonly hasNull: boolean }
  | { readonly kind: 'null'; readonly column: ColumnRef; readonly negated: boolean }
  /** LIKE 'prefix%...' on a string column. */
  | { readonly kind: 'prefix'; readonly column: ColumnRef; readonly prefix: string }
  | { readonly kind: 'constant'; readonly value: boolean | null }
  | { readonly kind: 'unknown' };

/** Which outcomes some row of a file may give. */
export interface Truth {
  readonly t: boolean;
  readonly f: boolean;
  readonly n: boolean;
}

const MAYBE: Truth = { t: true, f: true, n: true };
const NOTHING: Truth = { t: false, f: false, n: false };

export function evaluate(predicate: Predicate, file: AddFile, options: EvaluationOptions = {}): Truth {
  if (!options.partitionsOnly && fileRecords(file) === 0) return NOTHING;
  return evaluateNode(predicate, new FileColumns(file, options));
}

// The evaluation runs for every file of a table: loops rather than closures (cheaper, and
// free of the per-closure naming some TypeScript loaders add).
function evaluateNode(predicate: Predicate, file: FileColumns): Truth {
  switch (predicate.kind) {
    case 'and':
    case 'or': {
      const and = predicate.kind === 'and';
      let t = and;
      let f = !and;
      let n = false;
      for (const child of predicate.children) {
        const part = evaluateNode(child, file);
        if (and) {
          t &&= part.t;
          f ||= part.f;
        } else {
          t ||= part.t;
          f &&= part.f;
        }
        n ||= part.n;
      }
      return { t, f, n };
    }
    case 'not': {
      const inner = evaluateNode(predicate.child, file);
      return { t: inner.f, f: inner.t, n: inner.n };
    }
    case 'constant':
      return predicate.value === null
        ? { t: false, f: false, n: true }
        : { t: predicate.value, f: !predicate.value, n: false };
    case 'unknown':
      return MAYBE;
    case 'null': {
      const { nulls } = file.bounds(predicate.column);
      const isNull = nulls !== 'none';
      const notNull = nulls !== 'all';
      return predicate.negated ? { t: notNull, f: isNull, n: false } : { t: isNull, f: notNull, n: false };
    }
    default: {
      const bounds = file.bounds(predicate.column);
      // All-NULL columns only ever compare to NULL.
      if (bounds.nulls === 'all') return { t: false, f: false, n: true };
      const { t, f } = compareLeaf(predicate, bounds);
      return { t, f, n: bounds.nulls !== 'none' };
    }
  }
}

function compareLeaf(predicate: Predicate, b: Bounds): { t: boolean; f: boolean } {
  switch (predicate.kind) {
    case 'range': {
      const { lower, upper } = predicate;
      if (lower && upper) {
        // An empty range matches nothing (an unknown order may be non-empty: go on).
        const order = compareValues(lower.value, upper.value);
        if (order !== undefined && (order > 0 || (order === 0 && !(lower.inclusive && upper.inclusive))))
          return { t: false, f: true };
      }
      // NaN satisfies `x > c` and `x >= c` (and nothing with an upper limit).
      const nanMatches = b.nan && !upper;
      const intersects = (!lower || someAtLeast(b, lower)) && (!upper || someAtMost(b, upper));
      const contained = (!lower || allAtLeast(b, lower)) && (!upper || allAtMost(b, upper));
      return { t: nanMatches || intersects, f: !contained || (b.nan && upper !== undefined) };
    }
    case 'ne': {
      const equal = { inclusive: true, value: predicate.value };
      return {
        t: b.nan || !(allAtLeast(b, equal) && allAtMost(b, equal)),
        f: someAtLeast(b, equal) && someAtMost(b, equal),
      };
    }
    case 'in': {
      const t = predicate.values.some(
        (value) => someAtLeast(b, { value, inclusive: true }) && someAtMost(b, { value, inclusive: true }),
      );
      const single = predicate.values.some(
        (value) => allAtLeast(b, { value, inclusive: true }) && allAtMost(b, { value, inclusive: true }),
      );
      return { t, f: !predicate.hasNull && (b.nan || !single) };
    }
    case 'prefix': {
      const start: Value = { kind: 'str', value: predicate.prefix };
      // Some value starts with the prefix only if the file's range reaches [prefix, prefix∞).
      const lowerBelowTop =
        !b.lower ||
        b.lower.kind !== 'str' ||
        b.lower.value.startsWith(predicate.prefix) ||
        compareStrings(b.lower.value, predicate.prefix) < 0;
      return { t: lowerBelowTop && someAtLeast(b, { value: start, inclusive: true }), f: true };
    }
    default:
      return { t: true, f: true };
  }
}

/** May some non-null value be ≥ (or >) the limit? */
function someAtLeast(b: Bounds, limit: Limit): boolean {
  if (!b.upper) return true;
  if (b.upperIsPrefix) return belowPrefixTop(limit.value, b.upper);
  const order = compareValues(b.upper, limit.value);
  return order === undefined || order > 0 || (order === 0 && limit.inclusive);
}

/** May some non-null value be ≤ (or <) the limit? */
function someAtMost(b: Bounds, limit: Limit): boolean {
  if (!b.lower) return true;
  const order = compareValues(b.lower, limit.value);
  return order === undefined || order < 0 || (order === 0 && limit.inclusive);
}

/** Is every non-null value ≥ (or >) the limit? */
function allAtLeast(b: Bounds, limit: Limit): boolean {
  if (!b.lower) return false;
  const order = compareValues(b.lower, limit.value);
  return order !== undefined && (order > 0 || (order === 0 && limit.inclusive));
}

/** Is every non-null value ≤ (or <) the limit? (NaN is handled by the callers.) */
function allAtMost(b: Bounds, limit: Limit): boolean {
  if (!b.upper || b.upperIsPrefix) return false;
  const order = compareValues(b.upper, limit.value);
  return order !== undefined && (order < 0 || (order === 0 && limit.inclusive));
}

/** Is `value` below the supremum of the strings starting with `prefix`? */
function belowPrefixTop(value: Value, prefix: Value): boolean {
  if (value.kind !== 'str' || prefix.kind !== 'str') return true;
  return value.value.startsWith(prefix.value) || compareStrings(value.value, prefix.value) < 0;
}
