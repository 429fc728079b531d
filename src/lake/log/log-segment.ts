/**
 * Which log files make up the table at a version: the newest complete checkpoint at
 * or before it, plus every JSON commit after that checkpoint up to the version.
 *
 * `_last_checkpoint` is a hint that lets us list only the tail of the log; when it is
 * missing, corrupt, or names a checkpoint that is not there, we list the whole log.
 */
import type { ObjectMeta, ObjectStore } from '../../storage/index.js';
import { LogGapError, NotADeltaTableError, VersionNotFoundError } from '../errors.js';
import { LAST_CHECKPOINT, LOG_DIR, padVersion, parseLogFileName } from './log-files.js';

export interface CheckpointRef {
  readonly version: number;
  readonly format: 'classic' | 'multipart' | 'v2';
  /** Every part (one file unless multi-part), in part order. */
  readonly files: readonly ObjectMeta[];
}

export interface LogListing {
  /** Commit files by version. */
  readonly commits: ReadonlyMap<number, ObjectMeta>;
  /** Complete checkpoints, oldest first (incomplete multi-part sets are dropped). */
  readonly checkpoints: readonly CheckpointRef[];
}

export interface LogSegment {
  readonly version: number;
  readonly checkpoint?: CheckpointRef;
  /** Commits after the checkpoint up to `version`, ascending. */
  readonly commits: readonly ObjectMeta[];
  readonly listing: LogListing;
}

export async function listLog(store: ObjectStore, fromVersion = 0): Promise<LogListing> {
  // Log file names sort by version, so the tail from a version is one `startAfter` away.
  const startAfter = fromVersion > 0 ? `${LOG_DIR}/${padVersion(fromVersion - 1)}.zzz` : undefined;
  return parseLogListing(await store.list(`${LOG_DIR}/`, startAfter), fromVersion);
}

/** Groups listed `_delta_log/` objects into commits and complete checkpoints. */
export function parseLogListing(objects: readonly ObjectMeta[], fromVersion = 0): LogListing {
  const commits = new Map<number, ObjectMeta>();
  const multipart = new Map<string, ObjectMeta[]>();
  const checkpoints: CheckpointRef[] = [];
  for (const meta of objects) {
    const rest = meta.key.slice(LOG_DIR.length + 1);
    if (rest.includes('/')) continue; // _sidecars/ and other subfolders
    const file = parseLogFileName(rest);
    if (!file || file.version < fromVersion) continue;
    if (file.kind === 'commit') commits.set(file.version, meta);
    else if (file.format === 'multipart') {
      const setKey = `${file.version}/${file.parts}`;
      const parts = multipart.get(setKey) ?? [];
      parts[file.part - 1] = meta;
      multipart.set(setKey, parts);
    } else checkpoints.push({ version: file.version, format: file.format, files: [meta] });
  }
  for (const [setKey, parts] of multipart) {
    const [version, total] = setKey.split('/').map(Number) as [number, number];
    const complete = parts.length === total && parts.every((p) => p !== undefined);
    if (complete) checkpoints.push({ version, format: 'multipart', files: parts });
  }
  // Newest first within a version: prefer V2 over classic over multi-part when several exist.
  const rank = { v2: 0, classic: 1, multipart: 2 } as const;
  checkpoints.sort((a, b) => a.version - b.version || rank[b.format] - rank[a.format]);
  return { commits, checkpoints };
}

export async function loadLogSegment(store: ObjectStore, location: string, version?: number): Promise<LogSegment> {
  if (version === undefined) {
    const hint = await readLastCheckpointHint(store);
    if (hint !== undefined) {
      const tail = await listLog(store, hint);
      if (tail.checkpoints.some((c) => c.version === hint)) return segmentAt(tail, location, undefined);
    }
  }
  return segmentAt(await listLog(store), location, version);
}

export function segmentAt(listing: LogListing, location: string, version: number | undefined): LogSegment {
  const commitVersions = [...listing.commits.keys()];
  const latest = Math.max(-1, ...commitVersions, ...listing.checkpoints.map((c) => c.version));
  if (latest < 0) throw new NotADeltaTableError(location, 'its _delta_log holds no commits or checkpoints');
  const target = version ?? latest;
  if (target > latest || target < 0) {
    throw new VersionNotFoundError(`Version ${target} of ${location} does not exist; the latest is ${latest}.`, {
      location,
      version: target,
      latest,
    });
  }
  const checkpoint = [...listing.checkpoints].reverse().find((c) => c.version <= target);
  const start = checkpoint ? checkpoint.version + 1 : 0;
  const commits: ObjectMeta[] = [];
  for (let v = start; v <= target; v++) {
    const commit = listing.commits.get(v);
    if (!commit) {
      const earliest = Math.min(...commitVersions);
      if (!checkpoint && v === 0 && version !== undefined && earliest > 0) {
        throw new VersionNotFoundError(
          `Version ${target} of ${location} is no longer reconstructable: the log was cleaned up before version ${earliest}.`,
          { location, version: target, earliest },
        );
      }
      throw new LogGapError(location, v);
    }
    commits.push(commit);
  }
  return { version: target, ...(checkpoint ? { checkpoint } : {}), commits, listing };
}

/** The version `_last_checkpoint` names, or undefined when it is absent or unreadable. */
export async function readLastCheckpointHint(store: ObjectStore): Promise<number | undefined> {
  try {
    return parseLastCheckpointHint(await store.get(LAST_CHECKPOINT));
  } catch {
    return undefined; // missing or corrupt: listing the whole log is always correct, only slower
  }
}

/** The version in `_last_checkpoint`'s bytes, or undefined when they do not name one. */
export function parseLastCheckpointHint(bytes: Uint8Array): number | undefined {
  try {
    const parsed = JSON.parse(new TextDecoder().decode(bytes)) as { version?: unknown };
    return typeof parsed.version === 'number' && Number.isInteger(parsed.version) && parsed.version >= 0
      ? parsed.version
      : undefined;
  } catch {
    return undefined;
  }
}

export { padVersion };
