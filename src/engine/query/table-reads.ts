/**
 * Which table states a query reads, found without reading data: the named-table
 * rewrite gives each reference's location and AT clause, and a table's latest version
 * comes from the snapshot cache (a check of its newest commit file when remembered),
 * so an ETag costs about what the query's own binding will then reuse.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { findDeltaScanCalls } from '../sql/delta-scan-calls.js';
import type { BoundTable } from '../sql/delta-scan-sql.js';
import { locationOf, type TableResolver } from '../sql/named-tables.js';
import { prepareSandboxedSql, type PreparedSql } from '../sandbox/sandboxed-sql.js';
import { openSnapshot } from '../../lake/index.js';
import { significant, stringValue, tokenize } from '../sql/sql-tokenizer.js';

/** One table state a query read: what its ETag and cache key are made of. */
export interface TableRead {
  /** `schema.table` for catalog tables. */
  readonly name: string;
  readonly location: string;
  readonly version: number;
}

/** A resolver that also names the tables it resolved, by location (a grant resolver). */
export interface NamingResolver extends TableResolver {
  /** `schema.table` of each location resolved so far. */
  readonly names: ReadonlyMap<string, string>;
}

export interface PlannedReads {
  /** Every table state the query reads, by name then version. */
  readonly tables: TableRead[];
  /** The change feeds (`table_changes`) among them, at their latest versions. */
  readonly changeFeeds: TableRead[];
}

/**
 * What a query reads, apart from latest versions: its scans (location and AT clause)
 * and change feeds, as the checked and rewritten SQL names them. It depends only on the
 * SQL text and the catalog names it resolves, so it can be remembered (PlanMemo).
 */
export interface ReadShape {
  readonly scans: ReadonlyArray<{
    readonly name: string;
    readonly location: string;
    readonly version?: number;
    readonly timestamp?: string | number;
  }>;
  readonly changeFeeds: ReadonlyArray<{ readonly name: string; readonly location: string }>;
}

/**
 * Checks the query against the sandbox policy and lists what it would read; the
 * prepared query is then bound as it is (not parsed, checked or rewritten again).
 */
export async function planReads(
  connection: DuckDBConnection,
  sql: string,
  resolver: NamingResolver,
): Promise<PlannedReads & { readonly prepared: PreparedSql }> {
  const prepared = await prepareSandboxedSql(connection, sql, resolver);
  return { ...(await currentReads(await shapeOf(prepared, resolver))), prepared };
}

/** Checks the query against the sandbox policy and finds its shape (no table is opened). */
export async function readShape(
  connection: DuckDBConnection,
  sql: string,
  resolver: NamingResolver,
): Promise<ReadShape> {
  return shapeOf(await prepareSandboxedSql(connection, sql, resolver), resolver);
}

async function shapeOf(prepared: PreparedSql, resolver: NamingResolver): Promise<ReadShape> {
  const rewritten = prepared.rewritten.sql;
  const scans = findDeltaScanCalls(rewritten).map((call) => ({
    name: nameOf(resolver, call.path),
    location: call.path,
    ...(call.version === undefined ? {} : { version: call.version }),
    ...(call.timestamp === undefined ? {} : { timestamp: call.timestamp }),
  }));
  const changeFeeds = await Promise.all(
    changeFeedTables(rewritten).map(async ([schema, table]) => {
      const location = locationOf(await resolver.resolveTable(schema, table))!;
      return { name: nameOf(resolver, location), location };
    }),
  );
  return { scans, changeFeeds };
}

/** The table states of a shape now: unpinned scans and change feeds at their latest versions. */
export async function currentReads(shape: ReadShape): Promise<PlannedReads> {
  const scans = await Promise.all(
    shape.scans.map(async (scan): Promise<TableRead> => ({
      name: scan.name,
      location: scan.location,
      version:
        scan.version ??
        (await openSnapshot(scan.location, scan.timestamp !== undefined ? { timestamp: scan.timestamp } : {})).version,
    })),
  );
  const changeFeeds = await Promise.all(
    shape.changeFeeds.map(async (feed) => ({ ...feed, version: (await openSnapshot(feed.location)).version })),
  );
  return { tables: distinct([...scans, ...changeFeeds]), changeFeeds };
}

/** The states a bound query read: its scans as bound, plus the planned change feeds. */
export function boundReads(
  bound: readonly BoundTable[],
  changeFeeds: readonly TableRead[],
  resolver: NamingResolver,
): TableRead[] {
  return distinct([
    ...bound.map((t) => ({ name: nameOf(resolver, t.call.path), location: t.call.path, version: t.version })),
    ...changeFeeds,
  ]);
}

function nameOf(resolver: NamingResolver, location: string): string {
  return resolver.names.get(location) ?? location;
}

/** The `table_changes('<name>', ...)` calls' table names, split as table-changes-sql.ts splits them. */
function changeFeedTables(sql: string): Array<[string | undefined, string]> {
  const tokens = significant(tokenize(sql));
  const names: Array<[string | undefined, string]> = [];
  tokens.forEach((token, i) => {
    const argument = tokens[i + 2];
    if (
      token.kind !== 'word' ||
      token.text.toLowerCase() !== 'table_changes' ||
      tokens[i + 1]?.text !== '(' ||
      tokens[i - 1]?.text === '.'
    )
      return;
    if (argument?.kind !== 'string') return;
    const text = stringValue(argument);
    names.push(text.includes('.') ? (text.split('.', 2) as [string, string]) : [undefined, text]);
  });
  return names;
}

function distinct(reads: readonly TableRead[]): TableRead[] {
  const byKey = new Map(reads.map((r) => [`${r.name}\n${r.location}\n${r.version}`, r]));
  return [...byKey.values()].sort((a, b) => a.name.localeCompare(b.name) || a.version - b.version);
}
