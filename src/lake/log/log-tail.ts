/**
 * The log after a known version: one listing from that version on, then the commits in
 * it read in parallel. A writer that lost a commit race catches up with it, a cached
 * snapshot is brought up to date with it, and a stream follows a table with it; none of
 * them replays the log before the version it already knows.
 */
import type { ObjectMeta, ObjectStore } from '../../storage/index.js';
import type { Action } from './actions.js';
import { commitKey } from './log-files.js';
import { readJsonActions } from './log-reader.js';
import { listLog, type CheckpointRef, type LogListing } from './log-segment.js';

export interface LogCommit {
  readonly version: number;
  /** The commit file as listed (size and time identify it; the time is the commit's file time). */
  readonly file: ObjectMeta;
  readonly actions: readonly Action[];
}

export interface LogTail {
  /** The listing of the log from `fromVersion` on. */
  readonly listing: LogListing;
  /** Contiguous commits from `fromVersion` (up to `upTo` and at most `limit`), ascending. */
  readonly commits: readonly LogCommit[];
  /** The newest complete checkpoint listed at or after `fromVersion` (and at or before `upTo`). */
  readonly checkpoint?: CheckpointRef;
  /** The newest version the listing shows (commit or checkpoint); `fromVersion - 1` when none. */
  readonly latest: number;
}

export interface LogTailOptions {
  /** Read no commit after this version. */
  readonly upTo?: number;
  /** Read at most this many commits. */
  readonly limit?: number;
  /** List only: report the commits' files with no actions read. */
  readonly listOnly?: boolean;
}

/** The commits from `fromVersion` on (a gap ends them: versions after it are not contiguous). */
export async function readLogTail(
  store: ObjectStore,
  fromVersion: number,
  options: LogTailOptions = {},
): Promise<LogTail> {
  const listing = await listLog(store, fromVersion);
  const upTo = options.upTo ?? Infinity;
  const limit = options.limit ?? Infinity;
  const files: Array<[number, ObjectMeta]> = [];
  for (let v = fromVersion; v <= upTo && files.length < limit; v++) {
    const file = listing.commits.get(v);
    if (!file) break;
    files.push([v, file]);
  }
  const commits = await Promise.all(
    files.map(async ([version, file]) => ({
      version,
      file,
      actions: options.listOnly ? [] : await readJsonActions(store, file.key),
    })),
  );
  const checkpoint = [...listing.checkpoints].reverse().find((c) => c.version <= upTo);
  const latest = Math.max(fromVersion - 1, ...listing.commits.keys(), ...listing.checkpoints.map((c) => c.version));
  return { listing, commits, ...(checkpoint ? { checkpoint } : {}), latest };
}

/** One commit's actions, by version (for a commit known to exist but not listed yet). */
export async function readCommitActions(store: ObjectStore, version: number): Promise<Action[]> {
  return readJsonActions(store, commitKey(version));
}
