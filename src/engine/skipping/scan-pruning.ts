/**
 * Data skipping for a whole query: which files each `delta_scan` reads. Static pruning
 * uses each scan's own conditions (scan-planner.ts) against partition values and stats;
 * dynamic pruning then narrows a scan joined by equality with a small scan to the files
 * that may hold the small side's keys (join-pruning.ts). Scans are bound in an order
 * where every build side is bound before the scans it prunes.
 *
 * Any failure to analyse the query (DuckDB cannot serialize it, a constant it cannot
 * evaluate) only means less pruning: the query runs over more files, never fewer rows.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { AddFile, Snapshot } from '../../lake/index.js';
import type { DeltaScanCall } from '../sql/delta-scan-calls.js';
import { prune, prunedFiles } from './file-pruner.js';
import { DEFAULT_MAX_BUILD_ROWS, DEFAULT_MAX_KEYS, buildSideKeys, type JoinPruningOptions } from './join-pruning.js';
import { compileExpression, finishPredicate, type DraftPredicate } from './predicate-parser.js';
import { evaluateConstants, type ConstantRequest } from '../sql/constant-values.js';
import { findScanSites, joinKeys, siteResolver, type ScanSite } from './scan-planner.js';
import { predicateText } from '../sql/predicate-text.js';
import { parseStatements } from '../sql/parsed-sql.js';
import type { AstNode } from '../sql/sql-ast.js';
import { fileRecords } from './file-bounds.js';
import type { Predicate } from './stats-evaluator.js';
import { significantTokens } from '../sql/sql-tokenizer.js';

export interface SkippingOptions {
  /** Prune files by the query's conditions and joins; default true. */
  readonly dataSkipping?: boolean;
  /** Dynamic pruning of joins with a small side; false turns it off. */
  readonly joinPruning?: JoinPruningOptions | false;
  readonly partitionTimeZone?: string;
  /**
   * DuckDB's tree of the query when the caller has it already (the named-table rewrite
   * derives it), so it is not parsed again; used only when its `sql` is the query's text.
   */
  readonly parsed?: { readonly sql: string; readonly statements: readonly AstNode[] | undefined };
}

/** What data skipping did for one delta_scan call. */
export interface PruningReport {
  /** The call's alias in the query, if any. */
  readonly alias?: string;
  readonly filesTotal: number;
  readonly filesKept: number;
  readonly skippedByPartition: number;
  readonly skippedByStats: number;
  readonly skippedByJoin: number;
  readonly bytesTotal: number;
  readonly bytesKept: number;
  /** The conditions used for pruning, as understood (absent when none applied). */
  readonly filter?: string;
  /** Dynamic pruning applied, one entry per join key. */
  readonly joins: readonly JoinReport[];
}

export interface JoinReport {
  /** This scan's join column. */
  readonly column: string;
  /** The build side's call as written, and its column. */
  readonly buildSide: string;
  readonly buildColumn: string;
  /** The keys found, e.g. `12 keys in [1, 40]`. */
  readonly keys: string;
  readonly skipped: number;
}

/** Binds call `index` over `files` and returns its view name (called once per call). */
export type BindCall = (index: number, files: readonly AddFile[]) => Promise<string>;

/** Prunes and binds every call; returns one report per call. */
export async function pruneAndBind(
  connection: DuckDBConnection,
  sql: string,
  calls: readonly DeltaScanCall[],
  snapshotOf: (call: number) => Snapshot,
  options: SkippingOptions,
  bind: BindCall,
): Promise<PruningReport[]> {
  const sites =
    options.dataSkipping === false || !mayHaveConditions(sql)
      ? []
      : await scanSites(connection, sql, calls, snapshotOf, options.parsed);
  const siteOf = new Map(sites.map((s) => [s.call, s]));
  const predicates = await sitePredicates(connection, sites, snapshotOf);
  const evaluation = { partitionTimeZone: options.partitionTimeZone ?? 'UTC' };

  const plans = calls.map((_, i) => {
    const files = snapshotOf(i).files;
    const predicate = predicates.get(i);
    const result = predicate
      ? prunedFiles(files, predicate, evaluation)
      : { kept: files, skipped: [], skippedByPartition: 0, skippedByStats: 0 };
    return {
      files: result.kept,
      result,
      predicate,
      rows: estimatedRows(result.kept),
      joins: [] as JoinReport[],
      skippedByJoin: 0,
    };
  });

  const join = options.joinPruning === false ? undefined : (options.joinPruning ?? {});
  const order = plans.map((_, i) => i).sort((a, b) => plans[a]!.rows - plans[b]!.rows || a - b);
  const views = new Map<number, string>();
  for (const i of order) {
    const plan = plans[i]!;
    const site = siteOf.get(i);
    if (join && site && plan.files.length > 1) {
      for (const key of joinKeys(site, snapshotOf)) {
        const build = key.other.call;
        const buildPlan = plans[build]!;
        const smaller = buildPlan.rows < plan.rows || (buildPlan.rows === plan.rows && build < i);
        if (!smaller || buildPlan.rows > (join.maxBuildRows ?? DEFAULT_MAX_BUILD_ROWS) || !views.has(build)) continue;
        const keys = await buildSideKeys(
          connection,
          views.get(build)!,
          key,
          snapshotOf,
          join.maxKeys ?? DEFAULT_MAX_KEYS,
        );
        if (!keys) continue;
        const pruned = prune(plan.files, keys.predicate, evaluation);
        plan.files = pruned.kept;
        plan.skippedByJoin += pruned.skipped.length;
        plan.joins.push({
          column: key.column.name,
          buildSide: calls[build]!.text,
          buildColumn: key.otherColumn.name,
          keys: keys.description,
          skipped: pruned.skipped.length,
        });
      }
    }
    views.set(i, await bind(i, plan.files));
  }

  return plans.map((plan, i) => {
    const all = snapshotOf(i).files;
    const alias = siteOf.get(i)?.alias;
    return {
      ...(alias ? { alias } : {}),
      filesTotal: all.length,
      filesKept: plan.files.length,
      skippedByPartition: plan.result.skippedByPartition,
      skippedByStats: plan.result.skippedByStats,
      skippedByJoin: plan.skippedByJoin,
      bytesTotal: sum(all),
      bytesKept: sum(plan.files),
      ...(plan.predicate ? { filter: predicateText(plan.predicate) } : {}),
      joins: plan.joins,
    };
  });
}

/** Only WHERE, ON and USING give conditions: without those words there is nothing to analyse. */
function mayHaveConditions(sql: string): boolean {
  return significantTokens(sql).some((t) => t.kind === 'word' && /^(where|on|using)$/i.test(t.text));
}

async function scanSites(
  connection: DuckDBConnection,
  sql: string,
  calls: readonly DeltaScanCall[],
  snapshotOf: (call: number) => Snapshot,
  parsed: SkippingOptions['parsed'],
): Promise<ScanSite[]> {
  const statements =
    parsed?.sql === sql && parsed.statements
      ? parsed.statements
      : await parseStatements(connection, sql).catch(() => undefined);
  if (!statements) return [];
  // DuckDB reports byte offsets into the UTF-8 text.
  const byOffset = new Map(calls.map((call, i) => [Buffer.byteLength(sql.slice(0, call.start), 'utf8'), i]));
  return findScanSites(statements, (offset) => byOffset.get(offset), snapshotOf);
}

/** Each site's conditions compiled to one predicate (constants of all sites evaluated together). */
async function sitePredicates(
  connection: DuckDBConnection,
  sites: readonly ScanSite[],
  snapshotOf: (call: number) => Snapshot,
): Promise<Map<number, Predicate>> {
  const requests: ConstantRequest[] = [];
  const drafts = new Map<number, DraftPredicate>();
  for (const site of sites) {
    if (site.conditions.length === 0) continue;
    const resolve = siteResolver(site, snapshotOf);
    drafts.set(site.call, {
      kind: 'and',
      children: site.conditions.map((c) => compileExpression(c, resolve, requests)),
    });
  }
  const out = new Map<number, Predicate>();
  if (drafts.size === 0) return out;
  const results = await evaluateConstants(connection, requests);
  for (const [call, draft] of drafts) {
    const predicate = simplify(finishPredicate(draft, results));
    if (predicate.kind !== 'unknown') out.set(call, predicate);
  }
  return out;
}

/** Drops what cannot prune: unknown conjuncts, and any OR or NOT over an unknown part. */
export function simplify(predicate: Predicate): Predicate {
  switch (predicate.kind) {
    case 'and': {
      const parts = predicate.children.map(simplify).filter((p) => p.kind !== 'unknown');
      return parts.length === 0
        ? { kind: 'unknown' }
        : parts.length === 1
          ? parts[0]!
          : { kind: 'and', children: parts };
    }
    case 'or': {
      const parts = predicate.children.map(simplify);
      return parts.some((p) => p.kind === 'unknown') ? { kind: 'unknown' } : { kind: 'or', children: parts };
    }
    case 'not':
      // Dropping an unknown part of an AND narrows what may be false: under NOT that would be unsound.
      return containsDropped(predicate.child) ? { kind: 'unknown' } : predicate;
    default:
      return predicate;
  }
}

function containsDropped(predicate: Predicate): boolean {
  switch (predicate.kind) {
    case 'unknown':
      return true;
    case 'and':
    case 'or':
      return predicate.children.some(containsDropped);
    case 'not':
      return containsDropped(predicate.child);
    default:
      return false;
  }
}

function estimatedRows(files: readonly AddFile[]): number {
  let rows = 0;
  for (const file of files) {
    const n = fileRecords(file);
    if (n === undefined) return Infinity;
    rows += n - (file.deletionVector?.cardinality ?? 0);
  }
  return rows;
}

function sum(files: readonly AddFile[]): number {
  return files.reduce((n, f) => n + f.size, 0);
}
