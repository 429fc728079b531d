/**
 * Metadata cleanup (PROTOCOL.md, "Metadata Cleanup"): deletes log files that only
 * expired versions need, once `delta.logRetentionDuration` (default 30 days) has passed.
 *
 * Guarantees: cleanup picks the newest complete checkpoint C (at or before the
 * snapshot's version) such that every log file before C is past retention, and deletes
 * only files of versions below C: commits, checkpoints, version checksums (`<v>.crc`),
 * Hadoop checksums of those files and log compactions starting below C. C, its commit
 * and everything after it are kept, so the latest version and every version from C on
 * stay reconstructable. Without such a checkpoint nothing is deleted. As the protocol
 * suggests, the cutoff is rounded down to midnight UTC, which only ever keeps more.
 * `delta.enableExpiredLogCleanup=false` turns cleanup off.
 */
import type { ObjectMeta, ObjectStore } from '../../storage/index.js';
import { LOG_DIR, parseLogFileName } from './log-files.js';
import { parseLogListing } from './log-segment.js';
import { RetentionProperty, retentionMs } from './retention-intervals.js';
import type { Snapshot } from './snapshot.js';

export interface LogCleanupOptions {
  /** The clock (epoch ms); defaults to now. */
  readonly now?: number;
}

interface LogEntry {
  readonly meta: ObjectMeta;
  readonly version: number;
  readonly isCheckpoint: boolean;
}

const DAY_MS = 86_400_000;
const DELETE_BATCH = 16;

export async function cleanupExpiredLogs(
  store: ObjectStore,
  snapshot: Snapshot,
  options: LogCleanupOptions = {},
): Promise<{ deleted: string[] }> {
  const configuration = snapshot.configuration;
  if (configuration['delta.enableExpiredLogCleanup']?.trim().toLowerCase() === 'false') return { deleted: [] };
  const now = options.now ?? Date.now();
  const logRetention = retentionMs(configuration, RetentionProperty.log);
  const logCutoff = startOfUtcDay(now - logRetention);
  // Checkpoints are kept at least as long as delta.checkpointRetentionDuration says, too.
  const checkpointCutoff = startOfUtcDay(
    now - Math.max(logRetention, retentionMs(configuration, RetentionProperty.checkpoint)),
  );

  const objects = await store.list(`${LOG_DIR}/`);
  const listing = parseLogListing(objects);
  const entries = objects.flatMap((meta) => {
    const entry = logEntry(meta);
    return entry ? [entry] : [];
  });
  const expired = (e: LogEntry) => e.meta.lastModified <= (e.isCheckpoint ? checkpointCutoff : logCutoff);
  // Below the oldest unexpired file every file has expired; C may be at most there.
  const firstKept = Math.min(snapshot.version, ...entries.filter((e) => !expired(e)).map((e) => e.version));
  const cutoff = [...listing.checkpoints].reverse().find((c) => c.version <= firstKept);
  if (!cutoff) return { deleted: [] };

  const doomed = entries.filter((e) => e.version < cutoff.version).sort((a, b) => a.version - b.version);
  // Oldest first, so an interrupted cleanup leaves a log that still starts at a version.
  for (let i = 0; i < doomed.length; i += DELETE_BATCH) {
    await Promise.all(doomed.slice(i, i + DELETE_BATCH).map((e) => store.delete(e.meta.key)));
  }
  return { deleted: doomed.map((e) => e.meta.key) };
}

const VERSION_CHECKSUM = /^(\d{20})\.crc$/;
const COMPACTION = /^(\d{20})\.(\d{20})\.compacted\.json$/;
/** Hadoop's client-side checksum of a file `x` is `.x.crc` beside it. */
const HADOOP_CHECKSUM = /^\.(.+)\.crc$/;

/** The version a file directly in `_delta_log/` belongs to; undefined for others (`_last_checkpoint`, subfolders). */
function logEntry(meta: ObjectMeta): LogEntry | undefined {
  const name = meta.key.slice(LOG_DIR.length + 1);
  if (name.includes('/')) return undefined;
  const hadoop = HADOOP_CHECKSUM.exec(name);
  const subject = hadoop ? hadoop[1]! : name;
  const file = parseLogFileName(subject);
  if (file) return { meta, version: file.version, isCheckpoint: file.kind === 'checkpoint' };
  const match = VERSION_CHECKSUM.exec(subject) ?? COMPACTION.exec(subject);
  return match ? { meta, version: Number(match[1]), isCheckpoint: false } : undefined;
}

function startOfUtcDay(epochMs: number): number {
  return Math.floor(epochMs / DAY_MS) * DAY_MS;
}
