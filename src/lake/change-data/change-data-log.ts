/**
 * Which files hold the changes of a range of versions (PROTOCOL.md, "Reader
 * Requirements for AddCDCFile"): per commit, its `cdc` files when it has any (they
 * hold every change of that commit, `_change_type` included); otherwise its `add`
 * files with dataChange as inserts and its `remove` files with dataChange as deletes
 * (each read with the deletion vector it carried, so a remove's rows are the rows that
 * were live). Every version of the range must have had `delta.enableChangeDataFeed`
 * on, or the changes were not recorded and the read is refused.
 */
import type { ObjectStore } from '../../storage/index.js';
import { commitInfoOf, type AddFile, type Metadata } from '../log/actions.js';
import { ChangeType } from './change-data-writer.js';
import { ChangeDataFeedError } from '../operations/dml-errors.js';
import { VersionNotFoundError } from '../errors.js';
import { commitKey } from '../log/log-files.js';
import { readJsonActions } from '../log/log-reader.js';
import { listLog } from '../log/log-segment.js';
import { loadSnapshot, type Snapshot } from '../log/snapshot.js';

export interface ChangeFile {
  /** The file as the scan reads it (cdc and remove actions shaped as adds). */
  readonly file: AddFile;
  /** `undefined` for cdc files: their rows carry `_change_type`. */
  readonly changeType?: typeof ChangeType.insert | typeof ChangeType.delete;
  readonly version: number;
  /** Epoch ms: the commit's inCommitTimestamp, else its log file's modification time. */
  readonly timestamp: number;
}

export interface ChangeLog {
  readonly fromVersion: number;
  readonly toVersion: number;
  /** The table at `toVersion`: its schema is the schema of the changes. */
  readonly snapshot: Snapshot;
  readonly files: readonly ChangeFile[];
}

export async function readChangeLog(store: ObjectStore, fromVersion: number, toVersion?: number): Promise<ChangeLog> {
  const listing = await listLog(store, 0);
  const latest = Math.max(-1, ...listing.commits.keys());
  const to = toVersion ?? latest;
  if (!Number.isInteger(fromVersion) || fromVersion < 0 || !Number.isInteger(to) || fromVersion > to) {
    throw new ChangeDataFeedError(
      `Invalid change data range [${fromVersion}, ${to}] for ${store.root}: versions must be integers with 0 <= from <= to.`,
      { location: store.root, fromVersion, toVersion: to },
    );
  }
  if (to > latest) {
    throw new VersionNotFoundError(
      `Cannot read changes up to version ${to} of ${store.root}: its latest version is ${latest}.`,
      { location: store.root, version: to, latest },
    );
  }
  for (let v = fromVersion; v <= to; v++) {
    if (!listing.commits.has(v)) {
      throw new VersionNotFoundError(
        `Cannot read the changes of version ${v} of ${store.root}: its commit file is gone (log cleanup); start after it.`,
        { location: store.root, version: v },
      );
    }
  }
  const [start, snapshot] = await Promise.all([loadSnapshot(store, fromVersion), loadSnapshot(store, to)]);
  const commits = await Promise.all(
    Array.from({ length: to - fromVersion + 1 }, (_, i) => readJsonActions(store, commitKey(fromVersion + i))),
  );
  let metadata: Metadata = start.metadata;
  const files: ChangeFile[] = [];
  commits.forEach((actions, i) => {
    const version = fromVersion + i;
    for (const action of actions) if (action.kind === 'metaData') metadata = action.metaData;
    if (metadata.configuration['delta.enableChangeDataFeed']?.toLowerCase() !== 'true') {
      throw new ChangeDataFeedError(
        `Change data of ${store.root} was not recorded for version ${version} (delta.enableChangeDataFeed was not true), so the range [${fromVersion}, ${to}] cannot be read; start at a version after the change data feed was enabled.`,
        { location: store.root, version, fromVersion, toVersion: to },
      );
    }
    const inCommit = commitInfoOf(actions).inCommitTimestamp;
    const timestamp = typeof inCommit === 'number' ? inCommit : listing.commits.get(version)!.lastModified;
    const cdc = actions.flatMap((a) => (a.kind === 'cdc' ? [a.cdc] : []));
    if (cdc.length > 0) {
      for (const c of cdc)
        files.push({
          file: {
            path: c.path,
            partitionValues: c.partitionValues,
            size: c.size,
            modificationTime: 0,
            dataChange: false,
          },
          version,
          timestamp,
        });
      return;
    }
    for (const action of actions) {
      if (action.kind === 'add' && action.add.dataChange)
        files.push({ file: action.add, changeType: ChangeType.insert, version, timestamp });
      if (action.kind === 'remove' && action.remove.dataChange) {
        const r = action.remove;
        files.push({
          file: {
            path: r.path,
            partitionValues: r.partitionValues ?? {},
            size: r.size ?? 0,
            modificationTime: 0,
            dataChange: true,
            ...(r.deletionVector ? { deletionVector: r.deletionVector } : {}),
          },
          changeType: ChangeType.delete,
          version,
          timestamp,
        });
      }
    }
  });
  return { fromVersion, toVersion: to, snapshot, files };
}
