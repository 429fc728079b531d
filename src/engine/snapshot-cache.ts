/**
 * Snapshots for queries, remembered between queries. Loading a snapshot replays the log
 * (a checkpoint and the commits after it); for a table queried again and again that
 * replay is most of a selective query's time. A remembered snapshot is used again only
 * after the log shows it is still what the caller asked for: the same commit file (size
 * and time, so a table deleted and re-created at the same path is not mistaken for the
 * old one) and, for the latest version, no next commit.
 *
 * Snapshots are immutable, so sharing one between queries is safe.
 */
import { loadSnapshot, parseTimestamp, versionAtTimestamp, type Snapshot } from '../lake/index.js';
import { openStore, type ObjectStore } from '../storage/index.js';

const LOG = '_delta_log';
const CAPACITY = 32;

/** Least recently used last. */
const remembered = new Map<string, Snapshot>();

/** The snapshot of `location` at a version or timestamp (default the latest), as DeltaTable.open reads it. */
export async function openSnapshot(
  location: string,
  at: { version?: number; timestamp?: string | number } = {},
): Promise<Snapshot> {
  const store = openStore(location);
  let version = at.version;
  if (at.timestamp !== undefined) {
    version = await versionAtTimestamp(
      store,
      typeof at.timestamp === 'number' ? at.timestamp : parseTimestamp(at.timestamp),
    );
  }
  const key = `${store.root}\n${version ?? 'latest'}`;
  const known = remembered.get(key);
  if (known && (await stillCurrent(store, known, version === undefined))) {
    remembered.delete(key);
    remembered.set(key, known);
    return known;
  }
  const snapshot = await loadSnapshot(store, version);
  remembered.delete(key);
  remembered.set(key, snapshot);
  while (remembered.size > CAPACITY) remembered.delete(remembered.keys().next().value!);
  return snapshot;
}

/**
 * Is the remembered snapshot still the table at its version (the same commit file) and,
 * for the latest, still the newest? Commits are contiguous, so the next version's commit
 * file is absent exactly when no newer version exists.
 */
async function stillCurrent(store: ObjectStore, snapshot: Snapshot, latest: boolean): Promise<boolean> {
  const version = snapshot.version;
  const commit = snapshot.segment.listing.commits.get(version);
  if (!commit) return false;
  const [same, next] = await Promise.all([
    store.head(commit.key),
    latest ? store.head(`${LOG}/${pad(version + 1)}.json`) : undefined,
  ]);
  return (
    same !== undefined && same.size === commit.size && same.lastModified === commit.lastModified && next === undefined
  );
}

function pad(version: number): string {
  return String(version).padStart(20, '0');
}
