/**
 * The one door to a table's snapshot. Snapshots are remembered per table location and
 * brought up to date incrementally: a later open lists the log after the remembered
 * version and applies only the commits it finds there (a new checkpoint among them is
 * loaded instead, so the state is always what a full load would give).
 *
 * A remembered snapshot is used only after the log shows it still belongs to this table:
 * its commit file has the same size and time (a table deleted and created again at the
 * same path starts a new log, whose files differ). Snapshots are immutable, so one is
 * shared by every caller; refreshing builds a new one.
 *
 * Guarantee: the result is the table as a full load at the same moment would read it
 * (read-your-writes included: every open lists the log, none waits on another's listing).
 * On a local disk the check that a remembered snapshot is still the latest is a few
 * synchronous metadata reads (local-probe.ts), a fraction of a query's cost.
 */
import { Cache } from '../../core/index.js';
import { openStore, type ObjectMeta, type ObjectStore } from '../../storage/index.js';
import { NotADeltaTableError } from '../errors.js';
import { parseTimestamp, versionAtTimestamp } from './history.js';
import { readLastCheckpointHint, segmentAt } from './log-segment.js';
import { commitKey } from './log-files.js';
import { readCommitActions, readLogTail, type LogCommit, type LogTail } from './log-tail.js';
import { loadSnapshot, replaySegment, type Snapshot } from './snapshot.js';
import { probeLocally } from './local-probe.js';
import { advanceSnapshot } from './snapshot-update.js';

export interface SnapshotAt {
  readonly version?: number;
  /** ISO 8601 text or epoch milliseconds. */
  readonly timestamp?: string | number;
}

/** Tables remembered (least recently used go first) and snapshots kept per table (oldest dropped first). */
const TABLES = 64;
const PER_TABLE = 3;
const remembered = new Cache<string, Snapshot[]>({ maxEntries: TABLES });
/** The newest version seen per table and its commit file, for `latestVersion`. */
const known = new Cache<string, { version: number; file: ObjectMeta }>({ maxEntries: TABLES * 4 });

/** The snapshot of the table at `location`: the latest, or at a version or timestamp. */
export async function openSnapshot(location: string | ObjectStore, at: SnapshotAt = {}): Promise<Snapshot> {
  const store = typeof location === 'string' ? openStore(location) : location;
  let version = at.version;
  if (at.timestamp !== undefined) {
    version = await versionAtTimestamp(
      store,
      typeof at.timestamp === 'number' ? at.timestamp : parseTimestamp(at.timestamp),
    );
  }
  const snapshot = await resolve(store, version);
  remember(snapshot);
  // A caller that brought its own store instance reads and writes through it.
  return typeof location === 'string' ? snapshot : snapshot.withStore(store);
}

/** The table's newest version, by listing the log after the newest version known (no replay). */
export async function latestVersion(location: string | ObjectStore): Promise<number> {
  const store = typeof location === 'string' ? openStore(location) : location;
  const last = known.get(store.root);
  if (last) {
    // Nothing new (the common case for a scheduler's tick): no next commit, no listing.
    const local = probeLocally(store, [last.file.key, commitKey(last.version + 1)], false);
    const [same, next] = local
      ? [isSame(last.file, local.heads[0]), local.heads[1]]
      : await Promise.all([sameFile(store, last.file), store.head(commitKey(last.version + 1))]);
    if (same && next === undefined) return last.version;
    const tail = same
      ? await readLogTail(store, last.version + 1, { listOnly: true }).catch(() => undefined)
      : undefined;
    if (tail) return noteLatest(store.root, Math.max(last.version, tail.latest), tail);
    known.delete(store.root);
  }
  const hint = await readLastCheckpointHint(store);
  const tail = hint === undefined ? undefined : await readLogTail(store, hint, { listOnly: true });
  const latest = tail && tail.latest >= hint! ? tail : await readLogTail(store, 0, { listOnly: true });
  if (latest.latest < 0) throw new NotADeltaTableError(store.root, 'its _delta_log holds no commits or checkpoints');
  return noteLatest(store.root, latest.latest, latest);
}

/** Forgets every remembered snapshot and version (tests and benchmarks measure cold loads with it). */
export function forgetSnapshots(): void {
  remembered.clear();
  known.clear();
}

async function resolve(store: ObjectStore, version: number | undefined): Promise<Snapshot> {
  const base = newestAtOrBefore(store.root, version);
  if (!base) return loadSnapshot(store, version);
  if (base.version === version) {
    if (await sameFile(store, fingerprint(base))) return base;
    return forgetAndLoad(store, version);
  }
  if (version === undefined) {
    const next = await probeNext(store, base);
    if (next === 'stale') return forgetAndLoad(store, version);
    if (next !== 'list') return advanceSnapshot(base, next);
  }
  // Check the base and list what follows it at the same time: one round trip on a remote store.
  const [same, tail] = await Promise.all([
    sameFile(store, fingerprint(base)),
    readLogTail(store, base.version + 1, version === undefined ? {} : { upTo: version }).catch(() => undefined),
  ]);
  if (!same || !tail) return forgetAndLoad(store, version);
  if (tail.checkpoint) return replaySegment(store, segmentAt(tail.listing, store.root, version));
  const reached = base.version + tail.commits.length;
  // A gap in the log, or a version that does not exist: the full load names the problem.
  if (reached < (version ?? tail.latest)) return loadSnapshot(store, version);
  return advanceSnapshot(base, tail.commits);
}

/**
 * The common refresh, at most one commit behind, without listing the log (a listing
 * costs as much as the log is long on a local disk): in one round, check the base's
 * commit file, read `_last_checkpoint` and look for the next two commits. Commits are
 * contiguous, so no next commit means the base is the latest; two or more new commits,
 * or a newer checkpoint, send the caller to the listing.
 */
async function probeNext(store: ObjectStore, base: Snapshot): Promise<LogCommit[] | 'stale' | 'list'> {
  const file = fingerprint(base);
  if (!file) return 'stale';
  const local = probeLocally(store, [file.key, commitKey(base.version + 1), commitKey(base.version + 2)], true);
  const [same, hint, next, afterNext] = local
    ? [isSame(file, local.heads[0]), local.hint, local.heads[1], local.heads[2]]
    : await Promise.all([
        sameFile(store, file),
        readLastCheckpointHint(store),
        store.head(commitKey(base.version + 1)),
        store.head(commitKey(base.version + 2)),
      ]);
  if (!same) return 'stale';
  if (afterNext || (hint !== undefined && hint > base.version)) return 'list';
  if (!next) return [];
  return [{ version: base.version + 1, file: next, actions: await readCommitActions(store, base.version + 1) }];
}

function forgetAndLoad(store: ObjectStore, version: number | undefined): Promise<Snapshot> {
  remembered.delete(store.root);
  known.delete(store.root);
  return loadSnapshot(store, version);
}

function newestAtOrBefore(root: string, version: number | undefined): Snapshot | undefined {
  const snapshots = remembered.get(root) ?? [];
  for (let i = snapshots.length - 1; i >= 0; i--) {
    if (version === undefined || snapshots[i]!.version <= version) return snapshots[i];
  }
  return undefined;
}

/** The file that identifies the snapshot's version: its commit, or the checkpoint it was loaded from. */
function fingerprint(snapshot: Snapshot): ObjectMeta | undefined {
  const segment = snapshot.segment;
  return (
    segment.listing.commits.get(snapshot.version) ??
    (segment.checkpoint?.version === snapshot.version ? segment.checkpoint.files[0] : undefined)
  );
}

async function sameFile(store: ObjectStore, file: ObjectMeta | undefined): Promise<boolean> {
  if (!file) return false;
  return isSame(file, await store.head(file.key));
}

function isSame(file: ObjectMeta, now: ObjectMeta | undefined): boolean {
  return now !== undefined && now.size === file.size && now.lastModified === file.lastModified;
}

function remember(snapshot: Snapshot): void {
  const root = snapshot.location;
  const snapshots = (remembered.get(root) ?? []).filter((s) => s.version !== snapshot.version);
  snapshots.push(snapshot);
  snapshots.sort((a, b) => a.version - b.version);
  while (snapshots.length > PER_TABLE) snapshots.shift();
  remembered.set(root, snapshots);
  const file = fingerprint(snapshot);
  const last = known.get(root);
  if (file && (!last || last.version <= snapshot.version)) note(root, snapshot.version, file);
}

function noteLatest(root: string, latest: number, tail: LogTail): number {
  const file = tail.listing.commits.get(latest);
  if (file) note(root, latest, file);
  return latest;
}

function note(root: string, version: number, file: ObjectMeta): void {
  known.set(root, { version, file });
}
