/**
 * What one materialization run reads from a view's source: the rows committed after the
 * watermark (the last source version already in the online store), as a DuckDB relation.
 *
 * Incremental by Delta commit, never by event time: whatever a commit after the watermark
 * added is read, however old its event times, so late rows are applied. Per range:
 * - the change data feed where the table records it for every version of the range
 *   (inserts and update post-images only: an UPDATE's unchanged rows are not replayed);
 * - otherwise the files the commits added with dataChange (OPTIMIZE's rewrites are not
 *   data changes, so they are skipped; an UPDATE or MERGE without the feed rewrites whole
 *   files, whose unchanged rows the store then skips as not newer);
 * - the whole table at its latest version on a first run, with `full`, when the watermark
 *   is ahead of the table (it was re-created) or the commits since it are gone (log cleanup).
 * Deletes are not applied: the online store keeps the newest value of a key, as a push would.
 * A SQL source is read whole each run (its changes are not a set of commits of one table).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Catalog } from '../../catalog/index.js';
import { isStrataError } from '../../core/index.js';
import { bindDeltaSql } from '../../engine/index.js';
import {
  bindScan,
  changeDataFeedEnabled,
  openSnapshot,
  quoteIdent,
  readCommitsAfter,
  tableChanges,
  type AddFile,
  type Snapshot,
} from '../../lake/index.js';
import type { FeatureViewDefinition } from '../definition/feature-definition.js';
import { FeatureDefinitionError } from '../errors.js';
import { pinnedSourceSql } from '../training/source-sql.js';

export const ReadKind = {
  /** The whole source (first run, `full`, or a SQL source). */
  full: 'full',
  /** The change data feed of the versions after the watermark. */
  changeDataFeed: 'changeDataFeed',
  /** The data files the commits after the watermark added. */
  addedFiles: 'addedFiles',
  /** Nothing was committed after the watermark. */
  upToDate: 'upToDate',
} as const;
export type ReadKind = (typeof ReadKind)[keyof typeof ReadKind];

export interface SourceChanges {
  readonly kind: ReadKind;
  /** A relation over the source's columns (SELECT ...), bound on the run's connection. */
  readonly sql: string;
  /** The source table's location (undefined for SQL sources). */
  readonly location?: string;
  /** The version the rows are read up to: the watermark this run moves to (undefined for SQL sources). */
  readonly toVersion?: number;
  /** The tables read and their versions (for the run's record). */
  readonly reads: readonly { readonly table: string; readonly version: number }[];
  release(): Promise<void>;
}

const NO_RELEASE = async () => {};

export async function sourceChanges(
  catalog: Catalog,
  connection: DuckDBConnection,
  view: FeatureViewDefinition,
  watermark: number | null,
  full: boolean,
): Promise<SourceChanges> {
  const source = view.source;
  if (source.kind === 'sql') {
    const pinned = await pinnedSourceSql(catalog, connection, source, `feature view ${view.name}`);
    const bound = await bindDeltaSql(connection, pinned.sql);
    return { kind: ReadKind.full, sql: bound.sql, reads: pinned.reads, release: bound.release };
  }
  const table = await catalog.findTable(source.table);
  if (table === undefined)
    throw new FeatureDefinitionError(`feature view ${view.name}`, `source table ${source.table} does not exist.`, {
      field: 'source',
      table: source.table,
    });
  const snapshot = await openSnapshot(table.location);
  const at = {
    location: table.location,
    toVersion: snapshot.version,
    reads: [{ table: table.name, version: snapshot.version }],
  };
  const whole = async (): Promise<SourceChanges> => ({
    kind: ReadKind.full,
    ...at,
    ...(await scan(connection, snapshot)),
  });
  if (full || watermark === null || watermark > snapshot.version) return whole();
  if (watermark === snapshot.version) return { kind: ReadKind.upToDate, sql: '', ...at, release: NO_RELEASE };
  if (changeDataFeedEnabled(snapshot.protocol, snapshot.metadata)) {
    try {
      const feed = await tableChanges(table.location, watermark + 1, snapshot.version);
      const binding = await feed.bind(connection);
      return {
        kind: ReadKind.changeDataFeed,
        ...at,
        sql: `SELECT * FROM ${quoteIdent(binding.view)} WHERE _change_type IN ('insert', 'update_postimage')`,
        release: binding.release,
      };
    } catch (error) {
      // The feed was enabled after the watermark (or its commits are gone): read added files below.
      if (!isStrataError(error, 'LAKE_CHANGE_DATA_FEED', 'LAKE_VERSION_NOT_FOUND')) throw error;
    }
  }
  const files = await addedFiles(table.location, watermark, snapshot.version);
  if (files === undefined) return whole();
  return { kind: ReadKind.addedFiles, ...at, ...(await scan(connection, snapshot, files)) };
}

/** The data files added by the commits after `watermark` up to `to`; undefined when any of those commits is gone. */
async function addedFiles(location: string, watermark: number, to: number): Promise<AddFile[] | undefined> {
  try {
    const commits = await readCommitsAfter(location, watermark, { upTo: to });
    if (commits.length !== to - watermark || commits[0]?.version !== watermark + 1) return undefined;
    return commits.flatMap((c) => c.actions.flatMap((a) => (a.kind === 'add' && a.add.dataChange ? [a.add] : [])));
  } catch (error) {
    if (isStrataError(error, 'LAKE_VERSION_NOT_FOUND', 'LAKE_LOG_GAP')) return undefined;
    throw error;
  }
}

async function scan(
  connection: DuckDBConnection,
  snapshot: Snapshot,
  files?: readonly AddFile[],
): Promise<{ sql: string; release: () => Promise<void> }> {
  const binding = await bindScan(connection, snapshot, files === undefined ? {} : { files });
  return { sql: `SELECT * FROM ${quoteIdent(binding.view)}`, release: binding.release };
}
