/**
 * VACUUM: deletes files under the table root that no version within the retention
 * period can need.
 *
 * Guarantees: the table's writer protocol is checked first (PROTOCOL.md, "VACUUM
 * Protocol Check"). A file is deleted only if it is older than the cutoff (now −
 * retention), is not in `_delta_log/` or any other hidden path (a segment starting with
 * `.` or `_`, except `_` partition folders holding `=`), is not a live file of the
 * snapshot or a deletion vector file one of them uses, and is not a file (or DV) removed
 * after the cutoff. The retention defaults to `delta.deletedFileRetentionDuration` (one
 * week); a shorter one needs `force`, since it can break readers of older versions.
 * Pass the latest snapshot: files added after it are protected only by their age.
 */
import { promises as fs } from 'node:fs';
import { silentProgress, type ProgressReporter } from '../../core/index.js';
import type { ObjectStore } from '../../storage/index.js';
import type { DeletionVectorDescriptor } from '../log/actions.js';
import { relativeDeletionVectorKey } from '../deletion-vectors/deletion-vector.js';
import { InvalidTableOperationError, VacuumRetentionError } from '../errors.js';
import { canonicalPath, relativeKey } from '../log/file-paths.js';
import { assertWritable } from '../log/protocol.js';
import { RetentionProperty, retentionMs } from '../log/retention-intervals.js';
import { STAGING_DIR } from '../write/data-writer.js';
import type { Snapshot } from '../log/snapshot.js';

export interface VacuumOptions {
  /** Keep files needed by versions this many hours back; default: the table's tombstone retention. */
  readonly retentionHours?: number;
  /** List what would be deleted without deleting it. */
  readonly dryRun?: boolean;
  /** Allow a retention below the table's tombstone retention. */
  readonly force?: boolean;
  /** The clock (epoch ms); defaults to now. */
  readonly now?: number;
  readonly progress?: ProgressReporter;
}

export interface VacuumResult {
  /** Keys (relative to the table root) deleted, or that would be in a dry run; sorted. */
  readonly deleted: string[];
  readonly dryRun: boolean;
  readonly retentionHours: number;
}

const HOUR_MS = 3_600_000;
const DELETE_BATCH = 16;

export async function vacuum(snapshot: Snapshot, options: VacuumOptions = {}): Promise<VacuumResult> {
  assertWritable(snapshot.protocol, snapshot.location);
  const minimumHours = retentionMs(snapshot.configuration, RetentionProperty.deletedFiles) / HOUR_MS;
  const retentionHours = options.retentionHours ?? minimumHours;
  if (!Number.isFinite(retentionHours) || retentionHours < 0) {
    throw new InvalidTableOperationError(`VACUUM retention must be a number of hours ≥ 0, not ${retentionHours}.`, {
      retentionHours,
    });
  }
  if (retentionHours < minimumHours && options.force !== true)
    throw new VacuumRetentionError(retentionHours, minimumHours);
  const cutoff = (options.now ?? Date.now()) - retentionHours * HOUR_MS;
  const dryRun = options.dryRun === true;

  const kept = protectedKeys(snapshot, cutoff);
  const deleted = (await snapshot.store.list(''))
    .filter((o) => o.lastModified < cutoff && !isHidden(o.key) && !kept.has(o.key))
    .map((o) => o.key)
    .sort();
  if (!dryRun) await deleteAll(snapshot.store, deleted, options.progress ?? silentProgress);
  return { deleted, dryRun, retentionHours };
}

/** Keys of live files, of tombstones younger than the cutoff, and of their DV files. */
function protectedKeys(snapshot: Snapshot, cutoff: number): Set<string> {
  const root = snapshot.location;
  const rootPrefix = canonicalPath(`${root}/`, root);
  const keyOf = (logPath: string): string | undefined => {
    const relative = relativeKey(logPath);
    if (relative !== undefined) return relative;
    const absolute = canonicalPath(logPath, root);
    return absolute.startsWith(rootPrefix) ? absolute.slice(rootPrefix.length) : undefined; // outside the table: never ours
  };
  const dvKey = (dv: DeletionVectorDescriptor): string | undefined => {
    if (dv.storageType === 'u') return relativeDeletionVectorKey(dv);
    return dv.storageType === 'p' ? keyOf(dv.pathOrInlineDv) : undefined;
  };
  const referenced = [...snapshot.files, ...snapshot.tombstones.filter((t) => (t.deletionTimestamp ?? 0) > cutoff)];
  const keys = new Set<string>();
  for (const file of referenced) {
    for (const key of [keyOf(file.path), file.deletionVector ? dvKey(file.deletionVector) : undefined]) {
      if (key !== undefined) keys.add(key);
    }
  }
  return keys;
}

/**
 * `_delta_log/`, `.crc` checksums, `_SUCCESS` markers and the like; `_x=1/` partition
 * folders are not hidden, and neither is the writers' staging folder: what a killed
 * writer left there is garbage once it is older than the retention.
 */
function isHidden(key: string): boolean {
  if (key.startsWith(`${STAGING_DIR}/`)) return false;
  return key
    .split('/')
    .some((segment) => segment.startsWith('.') || (segment.startsWith('_') && !segment.includes('=')));
}

async function deleteAll(store: ObjectStore, keys: readonly string[], progress: ProgressReporter): Promise<void> {
  progress.update('vacuum: deleting files', 0, keys.length);
  for (let i = 0; i < keys.length; i += DELETE_BATCH) {
    const batch = keys.slice(i, i + DELETE_BATCH);
    await Promise.all(batch.map((key) => store.delete(key)));
    progress.update('vacuum: deleting files', i + batch.length, keys.length);
  }
  await removeEmptyDirectories(store, keys);
}

/** On local stores, folders (e.g. partitions) emptied by the deletes go too; elsewhere folders do not exist. */
async function removeEmptyDirectories(store: ObjectStore, deletedKeys: readonly string[]): Promise<void> {
  const folders = new Set<string>();
  for (const key of deletedKeys) {
    for (let slash = key.lastIndexOf('/'); slash > 0; slash = key.lastIndexOf('/', slash - 1))
      folders.add(key.slice(0, slash));
  }
  // Deepest first, so a parent is tried after its children.
  const ordered = [...folders].sort((a, b) => b.split('/').length - a.split('/').length);
  for (const folder of ordered) {
    const local = store.localPath(folder);
    if (local === undefined) return;
    await fs.rmdir(local).catch(() => undefined); // not empty (or gone): keep it
  }
}
