/**
 * Dynamic pruning for joins. When a scan joins (by equality) a small scan — few rows by
 * its stats, after its own pruning — the small side's join keys are computed first by a
 * DuckDB query over it (with its own filters), and the other side's files are pruned to
 * those that may hold one of the keys (their set when small, else their range).
 *
 * Sound because the equality is one of the big side's conditions (see scan-planner.ts):
 * a big-side row whose key equals no key of the small side's surviving rows cannot reach
 * the result. An empty small side therefore prunes every file of the big side.
 */
import { DuckDBTypeId, type DuckDBConnection, type DuckDBListType, type DuckDBValue } from '@duckdb/node-api';
import type { Snapshot } from '../../lake/index.js';
import { decodeValue, isConstant } from '../sql/constant-values.js';
import { type JoinKey, type ScanSite, siteResolver } from './scan-planner.js';
import { selectTemplate } from '../sql/parsed-sql.js';
import { andOf, columnNames, descendants, runNode, stringValue, type AstNode } from '../sql/sql-ast.js';
import { compareValues, display, domainOf, timeZoneKindOf, type Value } from './skip-values.js';
import type { Predicate } from './stats-evaluator.js';

export interface JoinPruningOptions {
  /** Largest build side (rows by stats) whose keys are computed; default 100,000. */
  readonly maxBuildRows?: number;
  /** Largest key set pruned by value (else by range); default 1,000. */
  readonly maxKeys?: number;
}

export const DEFAULT_MAX_BUILD_ROWS = 100_000;
export const DEFAULT_MAX_KEYS = 1000;

/** The keys a build side produced, as a predicate on the probe side's column and a description. */
export interface BuildKeys {
  readonly predicate: Predicate;
  /** e.g. `12 values in [1, 40]`, `range [1, 90000]`, `no rows`. */
  readonly description: string;
}

/**
 * Computes the keys of `key.other` (bound as `view`) and returns the predicate they
 * imply on the probe side's column, or undefined when they cannot prune (types that do
 * not compare, NaN keys, a failed query).
 */
export async function buildSideKeys(
  connection: DuckDBConnection,
  view: string,
  key: JoinKey,
  snapshotOf: (call: number) => Snapshot,
  maxKeys = DEFAULT_MAX_KEYS,
): Promise<BuildKeys | undefined> {
  const probe = key.column;
  if (domainOf(probe.type) === undefined || domainOf(probe.type) !== domainOf(key.otherColumn.type)) return undefined;
  try {
    const template = await keyQueryTemplate(connection, maxKeys);
    const build = key.other;
    const keyRef: AstNode = {
      class: 'COLUMN_REF',
      type: 'COLUMN_REF',
      alias: '',
      query_location: 0,
      column_names: [...(build.alias ? [build.alias] : []), ...(key.otherColumn.names ?? [key.otherColumn.name])],
    };
    const node = substitute(template, (n) => {
      if (n.class === 'COLUMN_REF' && columnNames(n)?.[0] === '__k') return keyRef;
      if (n.type === 'BASE_TABLE' && stringValue(n, 'table_name') === '__v') {
        return { ...n, table_name: view, alias: build.alias ?? '', column_name_alias: build.columnAliases ?? [] };
      }
      return undefined;
    });
    const where = andOf(localConditions(build, snapshotOf));
    const reader = await runNode(connection, { ...node, where_clause: where ?? null });
    const [lo, hi, count, list, timeZone] = reader.getRows()[0] ?? [];
    const types = reader.columnTypes();
    const utc = /^(etc\/)?(utc|gmt|uct|universal|zulu|z)$/i.test(String(timeZone ?? ''));
    const accept = (value: Value | null | undefined): value is Value =>
      value !== null &&
      value !== undefined &&
      value.kind === domainOf(probe.type) &&
      !(value.kind === 'num' && Number.isNaN(value.value)) &&
      (value.kind !== 'time' || utc || !mixesZones(timeZoneKindOf(probe.type), value.zone));
    if (Number(count ?? 0) === 0)
      return { predicate: { kind: 'in', column: probe, values: [], hasNull: false }, description: 'no keys' };
    if (list !== null && list !== undefined && types[3]?.typeId === DuckDBTypeId.LIST) {
      const itemType = (types[3] as DuckDBListType).valueType;
      const values = ((list as { items?: readonly DuckDBValue[] }).items ?? []).map((item) =>
        decodeValue(item, itemType),
      );
      if (!values.every(accept)) return undefined;
      const sorted = [...values].sort((a, b) => compareValues(a, b) ?? 0);
      return {
        predicate: { kind: 'in', column: probe, values: sorted, hasNull: false },
        description: `${sorted.length} key${sorted.length === 1 ? '' : 's'} in [${display(sorted[0]!)}, ${display(sorted[sorted.length - 1]!)}]`,
      };
    }
    const [lower, upper] = [decodeValue(lo ?? null, types[0]!), decodeValue(hi ?? null, types[1]!)];
    if (!accept(lower) || !accept(upper)) return undefined;
    return {
      predicate: {
        kind: 'range',
        column: probe,
        lower: { value: lower, inclusive: true },
        upper: { value: upper, inclusive: true },
      },
      description: `${Number(count)} keys in [${display(lower)}, ${display(upper)}]`,
    };
  } catch {
    return undefined;
  }
}

function mixesZones(a: string | undefined, b: string): boolean {
  return a !== b && (a === 'tz' || b === 'tz');
}

const templates = new Map<number, Promise<AstNode>>();

/** The parsed key query, cached per key limit (its shape never changes). */
function keyQueryTemplate(connection: DuckDBConnection, maxKeys: number): Promise<AstNode> {
  let template = templates.get(maxKeys);
  if (!template) {
    template = selectTemplate(
      connection,
      `SELECT min(__k), max(__k), count(DISTINCT __k), CASE WHEN count(DISTINCT __k) <= ${maxKeys} THEN list(DISTINCT __k) END, current_setting('TimeZone') FROM __v`,
    );
    templates.set(maxKeys, template);
    template.catch(() => templates.delete(maxKeys));
  }
  return template;
}

/** A copy of the tree with nodes replaced where `replace` returns one. */
function substitute(node: AstNode, replace: (n: AstNode) => AstNode | undefined): AstNode {
  const replaced = replace(node);
  if (replaced) return replaced;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (Array.isArray(value)) copy[key] = value.map((v: unknown) => (isObject(v) ? substitute(v, replace) : v));
    else copy[key] = isObject(value) ? substitute(value, replace) : value;
  }
  return copy;
}

function isObject(value: unknown): value is AstNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Node classes and functions a filter may use to be re-run on its own: deterministic, no subqueries, no parameters. */
const FILTER_CLASSES = new Set([
  'COLUMN_REF',
  'CONSTANT',
  'COMPARISON',
  'CONJUNCTION',
  'OPERATOR',
  'BETWEEN',
  'CAST',
  'CASE',
  'FUNCTION',
]);
const FILTER_FUNCTIONS = new Set([
  '+',
  '-',
  '*',
  '/',
  '%',
  '~~',
  '!~~',
  '~~*',
  '!~~*',
  'starts_with',
  'prefix',
  'suffix',
  'contains',
  'length',
  'substring',
  'lower',
  'upper',
  'abs',
  'year',
  'month',
  'day',
  'date_trunc',
  'coalesce',
]);

/**
 * The build side's own conditions that can run in its key query: every column is its
 * own, every function deterministic, and no constant lost precision when the parse
 * tree was read into JavaScript (so the re-run filter is the same filter).
 */
function localConditions(site: ScanSite, snapshotOf: (call: number) => Snapshot): AstNode[] {
  const resolve = siteResolver(site, snapshotOf);
  return site.conditions.filter((condition) => {
    let columns = 0;
    for (const node of descendants(condition)) {
      if (typeof node.class !== 'string') continue;
      if (!FILTER_CLASSES.has(node.class)) return false;
      if (
        node.class === 'FUNCTION' &&
        !isConstant(node) &&
        !FILTER_FUNCTIONS.has(stringValue(node, 'function_name').toLowerCase())
      )
        return false;
      if (node.class === 'FUNCTION' && stringValue(node, 'schema') !== '') return false;
      if (node.class === 'CONSTANT' && !exactConstant(node)) return false;
      if (node.class === 'COLUMN_REF') {
        if (Object.getOwnPropertySymbols(node).length > 0 || !resolve(columnNames(node) ?? [])) return false;
        columns++;
      }
    }
    return columns > 0;
  });
}

function exactConstant(node: AstNode): boolean {
  const value = (node.value as { value?: unknown } | undefined)?.value;
  if (typeof value === 'object' && value !== null) return false; // HUGEINT halves
  return typeof value !== 'number' || Number.isSafeInteger(value) || !Number.isInteger(value);
}
