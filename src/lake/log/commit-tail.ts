/**
 * Following a table commit by commit (streams, change listeners): the commits after a
 * version, each with its parsed actions, its commitInfo and its time. Callers never
 * see the log's file names.
 */
import { openStore, type ObjectStore } from '../../storage/index.js';
import { commitInfoOf, type Action, type CommitInfo } from './actions.js';
import { commitKey } from './log-files.js';
import { readLogTail } from './log-tail.js';

export interface TableCommit {
  readonly version: number;
  /** Every action of the commit, in log order. */
  readonly actions: readonly Action[];
  /** The commit's commitInfo; empty when the writer recorded none. */
  readonly commitInfo: CommitInfo;
  /** Epoch ms: the in-commit timestamp when recorded, otherwise the commit file's time. */
  readonly timestamp: number;
}

export interface CommitTailOptions {
  /** No commit after this version. */
  readonly upTo?: number;
  /** At most this many commits (the oldest first). */
  readonly limit?: number;
}

/**
 * The contiguous commits after `version`, oldest first; empty when none is newer. A poll
 * that finds nothing new costs one existence check of the next commit.
 */
export async function readCommitsAfter(
  location: string | ObjectStore,
  version: number,
  options: CommitTailOptions = {},
): Promise<TableCommit[]> {
  const store = typeof location === 'string' ? openStore(location) : location;
  if ((options.upTo !== undefined && options.upTo <= version) || options.limit === 0) return [];
  // Commits are contiguous: no next commit means nothing new, without listing the log.
  if ((await store.head(commitKey(version + 1))) === undefined) return [];
  const tail = await readLogTail(store, version + 1, options);
  return tail.commits.map(({ version: v, file, actions }) => {
    const commitInfo = commitInfoOf(actions);
    return { version: v, actions, commitInfo, timestamp: commitInfo.inCommitTimestamp ?? file.lastModified };
  });
}
