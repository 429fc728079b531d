/**
 * Incremental update (delta-rs's `update_incremental`): a snapshot brought forward by
 * the commits after its version, without replaying what it already holds. The result
 * is a new snapshot; the one it starts from is not changed, so both stay shareable.
 */
import type { ObjectStore } from '../../storage/index.js';
import { applyActions } from './log-replay.js';
import type { LogSegment } from './log-segment.js';
import type { LogCommit } from './log-tail.js';
import { finishSnapshot, type Snapshot } from './snapshot.js';

/**
 * `snapshot` with `commits` applied. They must be the contiguous versions right after it,
 * with no checkpoint among them that the caller wants used (a newer checkpoint is a
 * reason to load from it instead, so that the state equals a full load's).
 */
export function advanceSnapshot(
  snapshot: Snapshot,
  commits: readonly LogCommit[],
  store: ObjectStore = snapshot.store,
): Snapshot {
  if (commits.length === 0) return snapshot.withStore(store);

  const state = snapshot.cloneState();
  for (const commit of commits) applyActions(state, commit.actions, store.root);
  const before = snapshot.segment;
  const listed = new Map(before.listing.commits);
  for (const commit of commits) listed.set(commit.version, commit.file);
  const segment: LogSegment = {
    version: commits[commits.length - 1]!.version,
    ...(before.checkpoint ? { checkpoint: before.checkpoint } : {}),
    commits: [...before.commits, ...commits.map((c) => c.file)],
    listing: { commits: listed, checkpoints: before.listing.checkpoints },
  };
  return finishSnapshot(store, segment, state);
}
