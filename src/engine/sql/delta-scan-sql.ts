/**
 * DuckDB SQL with `delta_scan(...)`: each call is resolved to a snapshot of its table
 * (latest, or at the requested version or timestamp), bound as a temp view on the
 * query's connection with the lake's `bindScan`, and replaced in the text by the view's
 * name. DuckDB then plans the query as usual, over the snapshot's data files.
 *
 * Data skipping happens here: each call's view reads only the files that may hold rows
 * the query can use (its WHERE/ON conditions against partition values and stats, and
 * the keys of a small table it is joined with; see scan-pruning.ts). DuckDB still
 * applies every condition, so skipping never changes a result.
 *
 * Guarantees: every call is parsed and every table opened before anything runs, so a bad
 * path or option fails the whole statement with a typed error; calls with the same path
 * text and the same version or timestamp share one snapshot (so a self-join sees one
 * state) and one view when they read the same files, while the same table at two
 * versions gets two; the views are dropped when the work is done, even when it fails.
 */
import { randomUUID } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import { asError, isStrataError } from '../../core/index.js';
import {
  bindScan,
  openSnapshot,
  quoteIdent,
  withConnection,
  type AddFile,
  type ScanBinding,
  type Snapshot,
} from '../../lake/index.js';
import { findDeltaScanCalls, type DeltaScanCall } from './delta-scan-calls.js';
import { SqlExecutionError, UnsupportedStatementError } from '../errors.js';
import { pruneAndBind, type PruningReport, type SkippingOptions } from '../skipping/scan-pruning.js';
import { significantTokens } from './sql-tokenizer.js';
import { forgetPlans, isOneQuery } from './reused-plans.js';

export interface DeltaSqlOptions extends SkippingOptions {
  /** Time zone of tz-less timestamp partition values (see ScanOptions); default UTC. */
  readonly partitionTimeZone?: string;
  /** Run on this connection instead of a fresh one from the lake's shared DuckDB. */
  readonly connection?: DuckDBConnection;
  /**
   * Put each scan's query in the text as a subquery instead of binding a view for it:
   * DuckDB then binds each scan once, not twice (about a millisecond a query). DuckDB's
   * messages would then quote the subqueries, not the user's text, so withDeltaSql runs
   * a failed read-only query again with views for its error; default false.
   */
  readonly inlineScans?: boolean;
}

/** One delta_scan call of the query, with what data skipping did for it. */
export interface ScanReport extends PruningReport {
  readonly call: DeltaScanCall;
  readonly view: string;
  readonly location: string;
  readonly version: number;
}

export interface BoundTable {
  /** The first call that named this table state (others may share it). */
  readonly call: DeltaScanCall;
  readonly view: string;
  readonly location: string;
  readonly version: number;
}

export interface BoundSql {
  readonly connection: DuckDBConnection;
  /** The original SQL text. */
  readonly original: string;
  /** The SQL with each delta_scan call replaced by its view. */
  readonly sql: string;
  readonly tables: readonly BoundTable[];
  /** Every call in the query's order, with its files kept and skipped. */
  readonly scans: readonly ScanReport[];
  /** True when the scans are subqueries in `sql` rather than views (see DeltaSqlOptions.inlineScans). */
  readonly inlined: boolean;
  /** Drops the views; safe to call twice. */
  release(): Promise<void>;
}

/** Binds the SQL's delta_scan calls on `connection`; the caller must `release()`. */
export async function bindDeltaSql(
  connection: DuckDBConnection,
  sql: string,
  options: DeltaSqlOptions = {},
): Promise<BoundSql> {
  // DuckDB answers an empty text with an opaque native error.
  if (significantTokens(sql).length === 0)
    throw new UnsupportedStatementError('There is no SQL to run: the text is empty or only comments.');
  // A statement other than a query may change settings that kept plans were made with.
  if (!isOneQuery(sql)) forgetPlans();
  const calls = findDeltaScanCalls(sql);
  const distinct = new Map<string, DeltaScanCall>();
  for (const call of calls) if (!distinct.has(stateKey(call))) distinct.set(stateKey(call), call);
  // Opening reads only logs, so tables open concurrently; binding uses the one connection.
  const opened = await Promise.all([...distinct.values()].map(openAt));
  const snapshotOf = new Map([...distinct.keys()].map((key, i) => [key, opened[i]!]));
  const tables = calls.map((call) => snapshotOf.get(stateKey(call))!);
  const bindings: ScanBinding[] = [];
  let released = false;
  const release = async () => {
    if (released) return;
    released = true;
    for (const binding of bindings) await binding.release();
  };
  const bound: BoundTable[] = [];
  // Short view names (shorter than any call) let the rewrite keep every offset: see padded().
  const prefix = randomUUID().slice(0, 5);
  // Calls reading the same table state and the same files share a view.
  const viewFor = new Map<string, string>();
  const viewOfCall: string[] = [];
  const selectOf = new Map<string, string>();
  const inline = options.inlineScans === true;
  const bind = async (index: number, files: readonly AddFile[]): Promise<string> => {
    const call = calls[index]!;
    const table = tables[index]!;
    const key = JSON.stringify([stateKey(call), files.length === table.files.length ? '*' : files.map((f) => f.path)]);
    let view = viewFor.get(key);
    if (!view) {
      const binding = await bindScan(connection, table, {
        view: `__ds_${prefix}_${viewFor.size}`,
        files,
        inline,
        ...(options.partitionTimeZone ? { partitionTimeZone: options.partitionTimeZone } : {}),
      }).catch((error: unknown) => {
        if (isStrataError(error)) throw error;
        throw new SqlExecutionError(
          `${call.text}: cannot read version ${table.version} of ${table.location}: ${asError(error).message}`,
          { table: table.location, version: table.version },
          { cause: error },
        );
      });
      bindings.push(binding);
      view = binding.view;
      viewFor.set(key, view);
      selectOf.set(view, binding.select);
      bound.push({ call, view, location: table.location, version: table.version });
    }
    viewOfCall[index] = view;
    return view;
  };
  let reports: PruningReport[];
  try {
    reports = await pruneAndBind(connection, sql, calls, (i) => tables[i]!, options, bind);
  } catch (error) {
    await release();
    throw error;
  }
  const scans: ScanReport[] = calls.map((call, i) => ({
    call,
    view: viewOfCall[i]!,
    location: tables[i]!.location,
    version: tables[i]!.version,
    ...reports[i]!,
  }));
  let rewritten = '';
  let at = 0;
  calls.forEach((call, i) => {
    const view = viewOfCall[i]!;
    rewritten += `${sql.slice(at, call.start)}${inline ? `(${selectOf.get(view)!})` : padded(quoteIdent(view), call.text)}`;
    at = call.end;
  });
  rewritten += sql.slice(at);
  const result: BoundSql = {
    connection,
    original: sql,
    sql: rewritten,
    tables: bound,
    scans,
    inlined: inline,
    release,
  };
  if (tables.every((snapshot) => snapshot.store.localPath('') !== undefined)) connectionLocal.add(result);
  if (inline && bindings.every((binding) => binding.standalone)) standalone.add(result);
  return result;
}

/** Bound SQL whose text stands alone: inlined scans of files in place, nothing on its connection. */
const standalone = new WeakSet<BoundSql>();

/** Does the bound text mean the same on any connection of the lake's instance (see ScanBinding.standalone)? */
export function isStandalone(bound: BoundSql): boolean {
  return standalone.has(bound);
}

/** Bound SQL whose views and temp tables all live only in its connection (no staged copies of remote files). */
const connectionLocal = new WeakSet<BoundSql>();

/** Runs `work` with the SQL bound, on the given connection or a fresh one, and releases the views after. */
export async function withDeltaSql<T>(
  sql: string,
  options: DeltaSqlOptions,
  work: (bound: BoundSql) => Promise<T>,
): Promise<T> {
  const run = async (connection: DuckDBConnection, closing: boolean): Promise<T> => {
    const bound = await bindDeltaSql(connection, sql, options);
    let again = false;
    try {
      return await work(bound);
    } catch (error) {
      again = bound.inlined && !isStrataError(error);
      if (!again) throw sqlError(error, bound);
    } finally {
      // Temp views and tables vanish with a connection about to close: dropping them first only costs time.
      if (!closing || !connectionLocal.has(bound) || again) await bound.release();
    }
    // The same read-only query with views, for DuckDB's message in the user's words.
    return withDeltaSql(sql, { ...options, connection, inlineScans: false }, work);
  };
  if (options.connection) return run(options.connection, false);
  return withConnection(async (connection) => {
    await cacheParquetMetadata(connection);
    return run(connection, true);
  });
}

let metadataCache: Promise<void> | undefined;

/**
 * Lake data files never change once written, so their Parquet footers can be kept
 * between queries (DuckDB still checks a file's size and time before using one). Without
 * it every query reads each footer at least twice: binding its view, then running.
 */
function cacheParquetMetadata(connection: DuckDBConnection): Promise<void> {
  metadataCache ??= connection.run('SET GLOBAL parquet_metadata_cache = true').then(
    () => undefined,
    () => {
      metadataCache = undefined;
    },
  );
  return metadataCache;
}

/**
 * A DuckDB failure as a typed error. DuckDB's message names the generated views, which
 * the user never wrote, so each is replaced by the call that produced it.
 */
export function sqlError(error: unknown, bound: Pick<BoundSql, 'tables'>): unknown {
  if (isStrataError(error) || !(error instanceof Error)) return error;
  let message = error.message;
  for (const { view, call } of bound.tables) {
    const quoted = quoteIdent(view);
    const echoed = padded(quoted, call.text);
    // Where DuckDB echoes the statement the padded name stands for the whole call (so its
    // caret still points at the right column); elsewhere it names the view alone.
    if (!call.text.includes('\n')) message = message.split(echoed).join(call.text);
    message = message.split(quoted).join(call.text).split(view).join(call.text);
  }
  return new SqlExecutionError(message, { tables: bound.tables.map((t) => t.location) }, { cause: error });
}

/**
 * The view name padded to the call's length, keeping the call's line breaks, so that
 * offsets, lines and columns in the rewritten SQL match the original (DuckDB's error
 * carets then point at the user's text).
 */
function padded(quotedView: string, call: string): string {
  const head = call.slice(0, quotedView.length).replace(/[^\n]/g, '');
  return quotedView + head + call.slice(quotedView.length).replace(/[^\n]/g, ' ');
}

function stateKey(call: DeltaScanCall): string {
  return JSON.stringify([call.path, call.version ?? null, call.timestamp ?? null]);
}

async function openAt(call: DeltaScanCall): Promise<Snapshot> {
  return openSnapshot(call.path, {
    ...(call.version !== undefined ? { version: call.version } : {}),
    ...(call.timestamp !== undefined ? { timestamp: call.timestamp } : {}),
  });
}
