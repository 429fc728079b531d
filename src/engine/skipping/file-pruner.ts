/**
 * Data skipping: which of a snapshot's files may hold rows matching a predicate, from
 * partition values and per-file statistics alone, before DuckDB reads anything.
 *
 * Guarantee: a file is skipped only when no row in it can make the predicate true
 * (see stats-evaluator.ts); files without stats, columns without stats and anything
 * the predicate compiler does not understand keep files. Callers still apply the full
 * predicate to the rows read, so pruning never changes a result.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { Cache, InvalidArgumentError, asError } from '../../core/index.js';
import {
  findField,
  isStruct,
  physicalName,
  withConnection,
  type AddFile,
  type Snapshot,
  type StructField,
} from '../../lake/index.js';
import { compilePredicate, type ColumnResolver } from './predicate-parser.js';
import { parseExpression } from '../sql/sql-ast.js';
import type { ColumnRef, EvaluationOptions } from './file-bounds.js';
import { evaluate, type Predicate } from './stats-evaluator.js';

export interface PruneResult {
  readonly kept: readonly AddFile[];
  readonly skipped: readonly AddFile[];
  /** Skipped files that partition values alone ruled out. */
  readonly skippedByPartition: number;
  /** Skipped files that needed column statistics to rule out. */
  readonly skippedByStats: number;
}

export interface PruneOptions {
  /** Evaluate constants on this connection (its time zone applies); default a fresh one. */
  readonly connection?: DuckDBConnection;
  /** Time zone of partition timestamps written without one (as for the scan); default UTC. */
  readonly partitionTimeZone?: string;
}

/**
 * The files of `snapshot` that may hold rows where `predicate` (a SQL boolean expression
 * over the table's logical columns, e.g. `day >= DATE '2026-01-01' AND kind = 'a'`) is true.
 */
export async function pruneFiles(
  snapshot: Snapshot,
  predicate: string,
  options: PruneOptions = {},
): Promise<PruneResult> {
  const run = async (connection: DuckDBConnection) => {
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
    return prune(snapshot.files, await compilePredicate(connection, node, columnResolver(snapshot)), options);
  };
  return options.connection ? run(options.connection) : withConnection(run);
}

/** Splits `files` into those that may match `predicate` and those that cannot. */
export function prune(files: readonly AddFile[], predicate: Predicate, options: EvaluationOptions = {}): PruneResult {
  if (predicate.kind === 'unknown') return { kept: files, skipped: [], skippedByPartition: 0, skippedByStats: 0 };
  const kept: AddFile[] = [];
  const skipped: AddFile[] = [];
  let byPartition = 0;
  const partitionsOnly = readsPartitions(predicate) ? { ...options, partitionsOnly: true } : undefined;
  for (const file of files) {
    if (evaluate(predicate, file, options).t) {
      kept.push(file);
      continue;
    }
    skipped.push(file);
    if (partitionsOnly && !evaluate(predicate, file, partitionsOnly).t) byPartition++;
  }
  return { kept, skipped, skippedByPartition: byPartition, skippedByStats: skipped.length - byPartition };
}

/** Results remembered per file list (a snapshot's list is one frozen array) and predicate. */
const remembered = new WeakMap<readonly AddFile[], Cache<string, PruneResult>>();
const PREDICATES_PER_LIST = 32;

/**
 * `prune`, remembered: a snapshot's files never change, so the same predicate over the
 * same list (a repeated query, or a dashboard's few filters) gives the same split. The
 * list's identity is the key: a snapshot hands out one list, and a newer snapshot another.
 */
export function prunedFiles(
  files: readonly AddFile[],
  predicate: Predicate,
  options: EvaluationOptions = {},
): PruneResult {
  if (predicate.kind === 'unknown') return prune(files, predicate, options);
  let results = remembered.get(files);
  if (!results) {
    results = new Cache({ maxEntries: PREDICATES_PER_LIST });
    remembered.set(files, results);
  }
  const key = `${options.partitionsOnly === true}|${options.partitionTimeZone ?? 'UTC'}|${predicateKey(predicate)}`;
  return results.getOrSet(key, () => prune(files, predicate, options));
}

/**
 * The predicate as text that tells every two predicates apart: JSON, with what JSON
 * would blur spelled out (bigints, -0, NaN and the infinities all become strings or null).
 */
export function predicateKey(predicate: Predicate): string {
  return JSON.stringify(predicate, (_key, value: unknown) => {
    if (typeof value === 'bigint') return { bigint: value.toString() };
    if (typeof value === 'number' && (!Number.isFinite(value) || Object.is(value, -0)))
      return { number: Object.is(value, -0) ? '-0' : String(value) };
    return value;
  });
}

function readsPartitions(predicate: Predicate): boolean {
  switch (predicate.kind) {
    case 'and':
    case 'or':
      return predicate.children.some(readsPartitions);
    case 'not':
      return readsPartitions(predicate.child);
    case 'constant':
      return true;
    case 'unknown':
      return false;
    default:
      return predicate.column.partitionKeys !== undefined;
  }
}

/** How a table's columns are seen in a query: its alias and renamed columns (`AS e(a, b)`). */
export interface TableNames {
  readonly alias?: string;
  readonly columnAliases?: readonly string[];
}

/**
 * A resolver for the snapshot's columns by their visible names (after `AS e(a, b)`
 * renames), nested struct fields included (`s.x`). Table qualifiers are the caller's
 * business: the path starts at the column.
 */
export function columnResolver(snapshot: Snapshot, names: TableNames = {}): ColumnResolver {
  const visible = visibleColumns(snapshot, names.columnAliases ?? []);
  const partitions = new Set(snapshot.partitionColumns.map((c) => c.toLowerCase()));
  const mode = snapshot.columnMapping;
  return (path) => {
    const [first, ...fields] = path;
    const top = first === undefined ? undefined : (visible.get(first) ?? visible.get(first.toLowerCase()));
    if (!top) return undefined;
    let field: StructField = top;
    const physical = [physicalName(top, mode)];
    const logical = [first!];
    for (const name of fields) {
      if (!isStruct(field.type)) return undefined;
      const next: StructField | undefined =
        field.type.fields.find((f) => f.name === name) ??
        field.type.fields.find((f) => f.name.toLowerCase() === name.toLowerCase());
      if (!next) return undefined;
      field = next;
      physical.push(physicalName(next, mode));
      logical.push(name);
    }
    if (typeof field.type !== 'string') return undefined;
    const ref: ColumnRef = { name: logical.join('.'), names: logical, type: field.type, path: physical };
    if (fields.length === 0 && partitions.has(top.name.toLowerCase()))
      return { ...ref, partitionKeys: [physical[0]!, top.name] };
    return ref;
  };
}

/** Visible top-level names (exact and lower-cased) → field; renamed columns lose their own names. */
function visibleColumns(snapshot: Snapshot, aliases: readonly string[]): Map<string, StructField> {
  const map = new Map<string, StructField>();
  snapshot.schema.fields.forEach((field, i) => {
    const name = aliases[i] ?? field.name;
    if (!map.has(name)) map.set(name, field);
    if (!map.has(name.toLowerCase())) map.set(name.toLowerCase(), field);
  });
  return map;
}

/** Does the table have a visible column of this name? */
export function hasColumn(snapshot: Snapshot, names: TableNames, name: string): boolean {
  const aliases = names.columnAliases ?? [];
  return (
    snapshot.schema.fields.some((f, i) => (aliases[i] ?? f.name).toLowerCase() === name.toLowerCase()) ||
    (aliases.length === 0 && findField(snapshot.schema, name) !== undefined)
  );
}
