/**
 * Finds, for each `delta_scan` in a query, the conditions that can prune its files:
 * predicates such that a row of that scan failing them cannot reach the result.
 *
 * Per SELECT, from DuckDB's parse tree:
 * - WHERE conjuncts apply to every scan not on the NULL-padded side of an outer join
 *   (a row failing them is dropped however it was joined);
 * - an ON (or USING) condition applies to both sides of an inner join, to the padded side
 *   of a LEFT/RIGHT join and to the right side of SEMI/ANTI joins (those rows never match);
 * - nothing applies through FULL, POSITIONAL or the right side of ASOF joins, nor to a
 *   scan under TABLESAMPLE or in a SELECT with USING SAMPLE (sampling precedes WHERE).
 *
 * A condition may still mention other tables; the predicate compiler turns what it
 * cannot resolve to this scan into "unknown".
 */
import type { Snapshot } from '../../lake/index.js';
import { columnResolver, type TableNames } from './file-pruner.js';
import type { ColumnResolver } from './predicate-parser.js';
import type { ColumnRef } from './file-bounds.js';
import { child, columnNames, conjuncts, descendants, locationOf, stringValue, type AstNode } from '../sql/sql-ast.js';

export interface ScanSite extends TableNames {
  /** Index of the delta_scan call in the query. */
  readonly call: number;
  /** Conditions whose failure for a row of this scan keeps the row out of the result. */
  readonly conditions: readonly AstNode[];
  /** The FROM clause the scan is in. */
  readonly scope: FromScope;
}

export interface FromScope {
  /** Names that qualify columns in this FROM (aliases, table and function names), lower-cased. */
  readonly names: ReadonlySet<string>;
  readonly sites: ScanSite[];
}

/** Column references pinned to a site (the sides of a USING column). */
const PINNED = Symbol('pinned site');

/**
 * The scan sites of the statements. `callAt` maps a delta_scan's byte offset in the SQL
 * to its call index; `snapshotOf` gives each call's table.
 */
export function findScanSites(
  statements: readonly AstNode[],
  callAt: (byteOffset: number) => number | undefined,
  snapshotOf: (call: number) => Snapshot,
): ScanSite[] {
  const sites: ScanSite[] = [];
  for (const statement of statements) {
    for (const node of descendants(statement)) {
      if (node.type !== 'SELECT_NODE') continue;
      const from = child(node, 'from_table');
      if (!from) continue;
      const scope: FromScope = { names: new Set(relationNames(from)), sites: [] };
      const sampled = child(node, 'sample') !== undefined;
      const planner = new FromPlanner(scope, callAt, snapshotOf);
      planner.visit(from, sampled ? [] : conjuncts(child(node, 'where_clause')), !sampled);
      sites.push(...scope.sites);
    }
  }
  return sites;
}

class FromPlanner {
  constructor(
    private readonly scope: FromScope,
    private readonly callAt: (byteOffset: number) => number | undefined,
    private readonly snapshotOf: (call: number) => Snapshot,
  ) {}

  visit(ref: AstNode, conditions: readonly AstNode[], prunable: boolean): void {
    if (ref.type === 'TABLE_FUNCTION') {
      const call = this.deltaScanCall(ref);
      if (call === undefined) return;
      const alias = stringValue(ref, 'alias');
      const columnAliases = Array.isArray(ref.column_name_alias)
        ? ref.column_name_alias.filter((a): a is string => typeof a === 'string')
        : [];
      const usable = prunable && child(ref, 'sample') === undefined;
      this.scope.sites.push({
        call,
        ...(alias ? { alias } : {}),
        columnAliases,
        conditions: usable ? conditions : [],
        scope: this.scope,
      });
      return;
    }
    if (ref.type !== 'JOIN') return;
    const [left, right] = [child(ref, 'left'), child(ref, 'right')];
    if (!left || !right) return;
    const refType = stringValue(ref, 'ref_type');
    const on = [...conjuncts(child(ref, 'condition')), ...this.usingEqualities(ref, left, right)];
    if (refType === 'POSITIONAL') {
      // Rows pair by position: removing any would shift the others.
      this.visit(left, [], false);
      this.visit(right, [], false);
      return;
    }
    if (refType === 'ASOF') {
      this.visit(
        left,
        stringValue(ref, 'join_type') === 'INNER' || stringValue(ref, 'join_type') === 'LEFT' ? conditions : [],
        prunable,
      );
      this.visit(right, [], prunable);
      return;
    }
    switch (stringValue(ref, 'join_type')) {
      case 'INNER':
        this.visit(left, [...conditions, ...on], prunable);
        this.visit(right, [...conditions, ...on], prunable);
        return;
      case 'LEFT':
        this.visit(left, conditions, prunable);
        this.visit(right, on, prunable);
        return;
      case 'RIGHT':
        this.visit(left, on, prunable);
        this.visit(right, conditions, prunable);
        return;
      case 'SEMI':
      case 'ANTI':
        this.visit(left, conditions, prunable);
        this.visit(right, on, prunable);
        return;
      default:
        this.visit(left, [], prunable);
        this.visit(right, [], prunable);
    }
  }

  private deltaScanCall(ref: AstNode): number | undefined {
    const fn = child(ref, 'function');
    if (!fn || stringValue(fn, 'function_name').toLowerCase() !== 'delta_scan' || stringValue(fn, 'schema') !== '')
      return undefined;
    const location = locationOf(ref) ?? locationOf(fn);
    return location === undefined ? undefined : this.callAt(location);
  }

  /** `a JOIN b USING (k)` between two delta_scans as `a.k = b.k`, with each side pinned to its scan. */
  private usingEqualities(ref: AstNode, left: AstNode, right: AstNode): AstNode[] {
    const columns = Array.isArray(ref.using_columns)
      ? ref.using_columns.filter((c): c is string => typeof c === 'string')
      : [];
    const [l, r] = [this.deltaScanCall(left), this.deltaScanCall(right)];
    if (
      columns.length === 0 ||
      l === undefined ||
      r === undefined ||
      left.type !== 'TABLE_FUNCTION' ||
      right.type !== 'TABLE_FUNCTION'
    )
      return [];
    return columns.map((column) => ({
      class: 'COMPARISON',
      type: 'COMPARE_EQUAL',
      left: { class: 'COLUMN_REF', type: 'COLUMN_REF', column_names: [column], [PINNED]: l },
      right: { class: 'COLUMN_REF', type: 'COLUMN_REF', column_names: [column], [PINNED]: r },
    }));
  }
}

/** The names the FROM tree binds (aliases, else table or function names), lower-cased. */
function relationNames(ref: AstNode): string[] {
  if (ref.type === 'JOIN') return [child(ref, 'left'), child(ref, 'right')].flatMap((r) => (r ? relationNames(r) : []));
  const alias = stringValue(ref, 'alias');
  if (alias) return [alias.toLowerCase()];
  if (ref.type === 'BASE_TABLE') return [stringValue(ref, 'table_name').toLowerCase()];
  if (ref.type === 'TABLE_FUNCTION') return [stringValue(child(ref, 'function') ?? {}, 'function_name').toLowerCase()];
  return [];
}

/**
 * Resolves column references to `site`'s columns as DuckDB binds them in its FROM: a
 * first name that names a relation there qualifies the column (and must be this
 * site's alias); otherwise the name is a column (then struct fields), which must not
 * also be a column of another delta_scan in the same FROM (that would be ambiguous).
 */
export function siteResolver(site: ScanSite, snapshotOf: (call: number) => Snapshot): ColumnResolver {
  const own = columnResolver(snapshotOf(site.call), site);
  const others = site.scope.sites.filter((s) => s !== site).map((s) => columnResolver(snapshotOf(s.call), s));
  return (names) => {
    const [first, ...rest] = names;
    if (first === undefined) return undefined;
    if (rest.length > 0 && site.scope.names.has(first.toLowerCase())) {
      return site.alias?.toLowerCase() === first.toLowerCase() ? own(rest) : undefined;
    }
    const ref = own(names);
    return ref && !others.some((resolve) => resolve([first]) !== undefined) ? ref : undefined;
  };
}

/** One side of a join equality: a column of another scan in the same FROM. */
export interface JoinKey {
  /** This scan's column. */
  readonly column: ColumnRef;
  /** The other scan and its column. */
  readonly other: ScanSite;
  readonly otherColumn: ColumnRef;
}

/** The `a.k = b.k` (and USING) conditions of `site` that equate one of its columns with another scan's. */
export function joinKeys(site: ScanSite, snapshotOf: (call: number) => Snapshot): JoinKey[] {
  const resolveFor = (s: ScanSite, node: AstNode): ColumnRef | undefined => {
    const names = columnNames(node);
    if (!names) return undefined;
    const pinned = (node as Record<symbol, unknown>)[PINNED];
    if (pinned !== undefined) return pinned === s.call ? columnResolver(snapshotOf(s.call), s)(names) : undefined;
    return siteResolver(s, snapshotOf)(names);
  };
  const keys: JoinKey[] = [];
  for (const condition of site.conditions) {
    if (condition.type !== 'COMPARE_EQUAL') continue;
    const sides = [child(condition, 'left'), child(condition, 'right')];
    if (!sides[0] || !sides[1]) continue;
    for (const [mine, theirs] of [
      [sides[0], sides[1]],
      [sides[1], sides[0]],
    ] as const) {
      const column = resolveFor(site, mine);
      if (!column || resolveFor(site, theirs)) continue;
      const matches = site.scope.sites
        .filter((s) => s !== site)
        .flatMap((other) => {
          const otherColumn = resolveFor(other, theirs);
          return otherColumn ? [{ column, other, otherColumn }] : [];
        });
      if (matches.length === 1) keys.push(matches[0]!);
    }
  }
  return keys;
}
