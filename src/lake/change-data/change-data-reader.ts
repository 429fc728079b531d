/**
 * The change data feed of a version range as a DuckDB view (like bindScan): the
 * table's columns at the range's last version, then `_change_type`, `_commit_version`
 * (BIGINT) and `_commit_timestamp` (TIMESTAMPTZ). Which files hold the changes is
 * change-data-log.ts's business; here each group of files is bound as a scan and
 * tagged with its commit, and the groups are unioned.
 */
import { randomUUID } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openStore, type ObjectStore } from '../../storage/index.js';
import { changeDataSchema, CHANGE_TYPE_COLUMN } from './change-data-writer.js';
import { readChangeLog, type ChangeFile, type ChangeLog } from './change-data-log.js';
import { queryRows, withConnection } from '../../duckdb/index.js';
import { bindScan, type ScanBinding } from '../read/scan.js';
import { duckdbType, quoteIdent, type StructType } from '../log/schema.js';
import type { Snapshot } from '../log/snapshot.js';

export interface ChangeFeedBinding {
  readonly view: string;
  release(): Promise<void>;
}

export interface ChangeFeed {
  readonly location: string;
  readonly fromVersion: number;
  readonly toVersion: number;
  /** The table's columns (at `toVersion`); the view adds `_change_type`, `_commit_version`, `_commit_timestamp`. */
  readonly schema: StructType;
  bind(connection: DuckDBConnection, options?: { view?: string }): Promise<ChangeFeedBinding>;
}

/** A table: its location, its store, or anything holding a snapshot (a DeltaTable). */
export type TableRef = string | ObjectStore | { readonly snapshot: Snapshot };

const FILE_COLUMN = '__strata_file';

/** The changes of versions `fromVersion`..`toVersion` (default: the latest), inclusive. */
export async function tableChanges(table: TableRef, fromVersion: number, toVersion?: number): Promise<ChangeFeed> {
  const store = typeof table === 'string' ? openStore(table) : 'snapshot' in table ? table.snapshot.store : table;
  const log = await readChangeLog(store, fromVersion, toVersion);
  return {
    location: store.root,
    fromVersion: log.fromVersion,
    toVersion: log.toVersion,
    schema: log.snapshot.schema,
    bind: (connection, options = {}) => bindChanges(connection, log, options.view),
  };
}

/** The changes as rows (for tests and small ranges). */
export async function readChanges(
  table: TableRef,
  fromVersion: number,
  toVersion?: number,
  options: { where?: string; orderBy?: string } = {},
): Promise<Record<string, unknown>[]> {
  const feed = await tableChanges(table, fromVersion, toVersion);
  return withConnection(async (connection) => {
    const binding = await feed.bind(connection);
    try {
      const where = options.where ? ` WHERE ${options.where}` : '';
      const order = options.orderBy ? ` ORDER BY ${options.orderBy}` : '';
      return await queryRows(connection, `SELECT * FROM ${quoteIdent(binding.view)}${where}${order}`);
    } finally {
      await binding.release();
    }
  });
}

async function bindChanges(
  connection: DuckDBConnection,
  log: ChangeLog,
  viewName?: string,
): Promise<ChangeFeedBinding> {
  const id = randomUUID().replace(/-/g, '').slice(0, 12);
  const view = viewName ?? `__delta_changes_${id}`;
  const schema = log.snapshot.schema;
  const scans: ScanBinding[] = [];
  const tables: string[] = [];
  const release = async () => {
    await connection.run(`DROP VIEW IF EXISTS ${quoteIdent(view)}`);
    for (const scan of scans) await scan.release();
    for (const table of tables) await connection.run(`DROP TABLE IF EXISTS temp.${quoteIdent(table)}`);
  };
  try {
    const selects: string[] = [];
    for (const [i, group] of groups(log.files).entries()) {
      const isCdc = group[0]!.changeType === undefined;
      const scan = await bindScan(connection, log.snapshot, {
        files: group.map((g) => g.file),
        fileColumn: FILE_COLUMN,
        ...(isCdc ? { schema: changeDataSchema(schema) } : {}),
      });
      scans.push(scan);
      const commits = `__delta_change_commits_${id}_${i}`;
      tables.push(commits);
      await commitTable(connection, commits, group, scan.localPaths);
      const changeType = isCdc ? `s.${CHANGE_TYPE_COLUMN}` : 'c.change_type';
      selects.push(
        `SELECT ${schema.fields.map((f) => `s.${quoteIdent(f.name)}`).join(', ')}, ${changeType} AS ${CHANGE_TYPE_COLUMN},` +
          ` c.version AS _commit_version, to_timestamp(0) + to_milliseconds(c.millis) AS _commit_timestamp` +
          ` FROM ${quoteIdent(scan.view)} AS s JOIN temp.${quoteIdent(commits)} AS c ON s.${FILE_COLUMN} = c.path`,
      );
    }
    if (selects.length === 0) {
      const columns = schema.fields.map((f) => `CAST(NULL AS ${duckdbType(f.type)}) AS ${quoteIdent(f.name)}`);
      selects.push(
        `SELECT ${[...columns, `CAST(NULL AS VARCHAR) AS ${CHANGE_TYPE_COLUMN}`, 'CAST(NULL AS BIGINT) AS _commit_version', 'CAST(NULL AS TIMESTAMPTZ) AS _commit_timestamp'].join(', ')} WHERE false`,
      );
    }
    await connection.run(`CREATE OR REPLACE TEMP VIEW ${quoteIdent(view)} AS ${selects.join(' UNION ALL ')}`);
    return { view, release };
  } catch (error) {
    await release();
    throw error;
  }
}

/**
 * Splits the files into groups a scan can bind: change data files apart from data files
 * (they have `_change_type`), and no path twice in a group (a scan keys rows by path;
 * the same data file can be removed in two versions with different deletion vectors).
 */
function groups(files: readonly ChangeFile[]): ChangeFile[][] {
  const out: Array<{ cdc: boolean; paths: Set<string>; files: ChangeFile[] }> = [];
  for (const file of files) {
    const cdc = file.changeType === undefined;
    let group = out.find((g) => g.cdc === cdc && !g.paths.has(file.file.path));
    if (!group) out.push((group = { cdc, paths: new Set(), files: [] }));
    group.paths.add(file.file.path);
    group.files.push(file);
  }
  return out.map((g) => g.files);
}

async function commitTable(
  connection: DuckDBConnection,
  table: string,
  files: readonly ChangeFile[],
  paths: readonly string[],
): Promise<void> {
  await connection.run(
    `CREATE TEMP TABLE ${quoteIdent(table)} (path VARCHAR, version BIGINT, millis BIGINT, change_type VARCHAR)`,
  );
  const appender = await connection.createAppender(table, null, 'temp');
  files.forEach((file, i) => {
    appender.appendVarchar(paths[i]!);
    appender.appendBigInt(BigInt(file.version));
    appender.appendBigInt(BigInt(Math.floor(file.timestamp)));
    if (file.changeType === undefined) appender.appendNull();
    else appender.appendVarchar(file.changeType);
    appender.endRow();
  });
  appender.flushSync();
  appender.closeSync();
}
