/**
 * Data skipping explained file by file (the console's "why was this file skipped"):
 * the same parse, compile and three-valued evaluation the scans use (file-pruner.ts,
 * stats-evaluator.ts), then, for each skipped file, the comparisons that ruled it out
 * and what the file said about their columns (partition value or min/max/null count).
 *
 * The verdict of every file is exactly pruneFiles' verdict; the reasons are read off the
 * predicate tree afterwards, so they can never disagree with what a scan would do.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { InvalidArgumentError, asError } from '../../core/index.js';
import { withConnection, type AddFile, type Snapshot } from '../../lake/index.js';
import { parseExpression } from '../sql/sql-ast.js';
import { columnResolver, type PruneOptions } from './file-pruner.js';
import { compilePredicate } from './predicate-parser.js';
import { fileRecords, fileStats, type ColumnRef } from './file-bounds.js';
import { evaluate, type Predicate } from './stats-evaluator.js';

/** What one file said about a column that ruled it out. */
export type SkippingEvidence =
  | { readonly kind: 'partition'; readonly column: string; readonly value: string | null }
  | {
      readonly kind: 'stats';
      readonly column: string;
      readonly min: unknown;
      readonly max: unknown;
      readonly nullCount: unknown;
    };

/** Why a file was kept or skipped. */
export type SkippingReason =
  /** Its partition values and stats leave room for a matching row. */
  | { readonly kind: 'may-match' }
  /** It records no stats (and no partition value rules it out): it must be read. */
  | { readonly kind: 'no-stats' }
  /** Its stats say it has no rows. */
  | { readonly kind: 'empty' }
  /** The filter's comparisons on these columns cannot be true for any of its rows. */
  | { readonly kind: 'ruled-out'; readonly by: 'partition' | 'stats'; readonly evidence: readonly SkippingEvidence[] };

export interface FileSkipping {
  readonly file: AddFile;
  readonly kept: boolean;
  readonly reason: SkippingReason;
}

export interface SkippingExplanation {
  /** False when the filter reads nothing skipping understands: every file is kept. */
  readonly understood: boolean;
  readonly files: readonly FileSkipping[];
}

/** Explains, for each file of `snapshot`, whether a scan filtered by `predicate` reads it and why. */
export async function explainSkipping(
  snapshot: Snapshot,
  predicate: string,
  options: PruneOptions = {},
): Promise<SkippingExplanation> {
  const run = async (connection: DuckDBConnection): Promise<SkippingExplanation> => {
    let node;
    try {
      node = await parseExpression(connection, predicate);
    } catch (error) {
      throw new InvalidArgumentError(
        `"${predicate}" is not a SQL boolean expression: ${asError(error).message}`,
        { predicate },
        { cause: error },
      );
    }
    const compiled = await compilePredicate(connection, node, columnResolver(snapshot));
    const evaluation = options.partitionTimeZone === undefined ? {} : { partitionTimeZone: options.partitionTimeZone };
    return {
      understood: compiled.kind !== 'unknown',
      files: snapshot.files.map((file) => explainFile(file, compiled, evaluation)),
    };
  };
  return options.connection ? run(options.connection) : withConnection(run);
}

function explainFile(file: AddFile, predicate: Predicate, options: { partitionTimeZone?: string }): FileSkipping {
  if (predicate.kind === 'unknown' || evaluate(predicate, file, options).t) {
    const reason: SkippingReason = fileStats(file) === undefined ? { kind: 'no-stats' } : { kind: 'may-match' };
    return { file, kept: true, reason };
  }
  if (fileRecords(file) === 0) return { file, kept: false, reason: { kind: 'empty' } };
  const byPartition = !evaluate(predicate, file, { ...options, partitionsOnly: true }).t;
  const columns = new Map<string, ColumnRef>();
  for (const column of rulingColumns(predicate, file, options)) columns.set(column.name, column);
  return {
    file,
    kept: false,
    reason: {
      kind: 'ruled-out',
      by: byPartition ? 'partition' : 'stats',
      evidence: [...columns.values()].map((column) => evidence(file, column)),
    },
  };
}

/** The columns of the comparisons that make `predicate` impossible for `file` (it cannot be true there). */
function rulingColumns(predicate: Predicate, file: AddFile, options: { partitionTimeZone?: string }): ColumnRef[] {
  switch (predicate.kind) {
    case 'and':
      // One impossible conjunct is enough; name each that is.
      return predicate.children
        .filter((child) => !evaluate(child, file, options).t)
        .flatMap((child) => rulingColumns(child, file, options));
    case 'or':
      // Every disjunct is impossible: each has its reason.
      return predicate.children.flatMap((child) => rulingColumns(child, file, options));
    case 'not':
      return columnsOf(predicate.child);
    case 'constant':
    case 'unknown':
      return [];
    default:
      return [predicate.column];
  }
}

function columnsOf(predicate: Predicate): ColumnRef[] {
  switch (predicate.kind) {
    case 'and':
    case 'or':
      return predicate.children.flatMap(columnsOf);
    case 'not':
      return columnsOf(predicate.child);
    case 'constant':
    case 'unknown':
      return [];
    default:
      return [predicate.column];
  }
}

function evidence(file: AddFile, column: ColumnRef): SkippingEvidence {
  if (column.partitionKeys) {
    const key = column.partitionKeys.find((k) => file.partitionValues[k] !== undefined);
    return { kind: 'partition', column: column.name, value: key === undefined ? null : file.partitionValues[key]! };
  }
  const stats = fileStats(file);
  return {
    kind: 'stats',
    column: column.name,
    min: valueAt(stats?.minValues, column.path) ?? null,
    max: valueAt(stats?.maxValues, column.path) ?? null,
    nullCount: valueAt(stats?.nullCount, column.path) ?? null,
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
