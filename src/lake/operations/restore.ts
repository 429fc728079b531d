/**
 * RESTORE TABLE t TO VERSION AS OF n | TIMESTAMP AS OF ts (Delta's RestoreTableCommand).
 *
 * Guarantees: one transaction, operation `RESTORE`, after which the table's live files
 * are exactly those of the restored version: files live then but not now are re-added
 * (`dataChange: true`, with their stats and deletion vectors), files live now but not
 * then are removed (`dataChange: true`). The metadata (schema, partitioning,
 * properties) is restored when it differs; the protocol is never downgraded — it
 * becomes the union of the current and the restored one. Before anything is written,
 * every data file and deletion vector file the restored version needs is checked to
 * exist: if VACUUM deleted one, RESTORE fails with RestoreMissingFilesError naming them
 * and the table is unchanged. The transaction reads the whole table at Serializable
 * isolation, so any concurrent data change (appends included) is a conflict. The result
 * names the constraints the restored metadata removes or re-adds.
 */
import { promises as fs } from 'node:fs';
import type { ObjectStore } from '../../storage/index.js';
import type { AddFile, DeletionVectorDescriptor, Protocol } from '../log/actions.js';
import { relativeDeletionVectorKey } from '../deletion-vectors/deletion-vector.js';
import { LakeError, VersionNotFoundError } from '../errors.js';
import { canonicalPath, localDataPath, relativeKey } from '../log/file-paths.js';
import { parseTimestamp, versionAtTimestamp } from '../log/history.js';
import { fileKey } from '../log/log-replay.js';
import type { SnapshotSource } from './optimize.js';
import { afterCommit } from '../transaction/post-commit.js';
import { assertWritable } from '../log/protocol.js';
import { Snapshot, loadSnapshot } from '../log/snapshot.js';
import { Transaction } from '../transaction/transaction.js';
import { constraintChanges, constraintsOf, type ConstraintChanges } from './restore-constraints.js';

export type RestoreTarget =
  | { readonly version: number }
  /** ISO 8601 text or epoch milliseconds. */
  | { readonly timestamp: string | number };

export interface RestoreMetrics {
  readonly tableSizeAfterRestore: number;
  readonly numOfFilesAfterRestore: number;
  readonly numRemovedFiles: number;
  readonly numRestoredFiles: number;
  readonly removedFilesSize: number;
  readonly restoredFilesSize: number;
}

export interface RestoreResult {
  /** The version the RESTORE commit wrote. */
  readonly version: number;
  /** The version whose state was restored. */
  readonly restoredVersion: number;
  readonly snapshot: Snapshot;
  readonly metrics: RestoreMetrics;
  /** Constraints the restored metadata drops or brings back (CHECK, NOT NULL, invariants, generated columns). */
  readonly constraints: ConstraintChanges;
}

/** Files the restored version needs are gone (usually deleted by VACUUM). */
export class RestoreMissingFilesError extends LakeError {
  constructor(
    readonly location: string,
    readonly restoredVersion: number,
    readonly missing: readonly string[],
  ) {
    const shown = missing.slice(0, 5).join(', ') + (missing.length > 5 ? ` and ${missing.length - 5} more` : '');
    super(
      'LAKE_RESTORE_MISSING_FILES',
      `Cannot restore ${location} to version ${restoredVersion}: ${missing.length} file(s) it needs no longer exist (${shown}), probably deleted by VACUUM. Restore a later version, or restore the files first.`,
      { location, restoredVersion, missing },
    );
  }
}

const CHECK_CONCURRENCY = 16;

export async function restore(table: SnapshotSource, target: RestoreTarget): Promise<RestoreResult> {
  const current = table instanceof Snapshot ? table : table.snapshot;
  assertWritable(current.protocol, current.location);
  const store = current.store;
  const version = 'version' in target ? target.version : await versionAtTimestamp(store, millis(target.timestamp));
  if (!Number.isInteger(version) || version < 0 || version > current.version) {
    throw new VersionNotFoundError(
      `Cannot restore ${current.location} to version ${version}: available versions are 0 to ${current.version}.`,
      { location: current.location, version, latest: current.version },
    );
  }
  const restored = await loadSnapshot(store, version);
  const root = current.location;
  const now = new Map(current.files.map((f) => [fileKey(f, root), f]));
  const then = new Map(restored.files.map((f) => [fileKey(f, root), f]));
  const toAdd = [...then].filter(([key]) => !now.has(key)).map(([, f]) => f);
  const toRemove = [...now].filter(([key]) => !then.has(key)).map(([, f]) => f);

  const missing = await missingFiles(store, toAdd);
  if (missing.length > 0) throw new RestoreMissingFilesError(root, version, missing);

  const txn = new Transaction(current, {
    operation: 'RESTORE',
    operationParameters:
      'version' in target
        ? { version, timestamp: null }
        : {
            version: null,
            timestamp:
              typeof target.timestamp === 'number' ? new Date(target.timestamp).toISOString() : target.timestamp,
          },
    isolationLevel: 'Serializable',
  });
  txn.readFiles(current.files);
  if (JSON.stringify(restored.metadata) !== JSON.stringify(current.metadata)) txn.setMetadata(restored.metadata);
  const protocol = mergeProtocols(current.protocol, restored.protocol);
  if (JSON.stringify(protocol) !== JSON.stringify(current.protocol)) txn.setProtocol(protocol);
  const size = (files: readonly AddFile[]) => files.reduce((n, f) => n + f.size, 0);
  const metrics: RestoreMetrics = {
    tableSizeAfterRestore: size(restored.files),
    numOfFilesAfterRestore: restored.files.length,
    numRemovedFiles: toRemove.length,
    numRestoredFiles: toAdd.length,
    removedFilesSize: size(toRemove),
    restoredFilesSize: size(toAdd),
  };
  txn
    .removeFiles(toRemove, Date.now(), true)
    .addFiles(toAdd.map((f) => ({ ...f, dataChange: true })))
    .setMetrics({ ...metrics });
  const commit = await txn.commit();
  await afterCommit(commit.snapshot);
  const constraints = constraintChanges(
    constraintsOf(current.schema, current.metadata),
    constraintsOf(restored.schema, restored.metadata),
  );
  return { version: commit.version, restoredVersion: version, snapshot: commit.snapshot, metrics, constraints };
}

/** The protocol that satisfies both: higher versions and the union of features. */
export function mergeProtocols(a: Protocol, b: Protocol): Protocol {
  const union = (x?: readonly string[], y?: readonly string[]) =>
    x || y ? [...new Set([...(x ?? []), ...(y ?? [])])] : undefined;
  const readerFeatures = union(a.readerFeatures, b.readerFeatures);
  const writerFeatures = union(a.writerFeatures, b.writerFeatures);
  const minReaderVersion = Math.max(a.minReaderVersion, b.minReaderVersion);
  const minWriterVersion = Math.max(a.minWriterVersion, b.minWriterVersion);
  return {
    minReaderVersion,
    minWriterVersion,
    ...(minReaderVersion >= 3 && readerFeatures ? { readerFeatures } : {}),
    ...(minWriterVersion >= 7 && writerFeatures ? { writerFeatures } : {}),
  };
}

function millis(timestamp: string | number): number {
  return typeof timestamp === 'number' ? timestamp : parseTimestamp(timestamp);
}

/** Log paths of the files (or their deletion vectors) that do not exist, sorted. */
async function missingFiles(store: ObjectStore, files: readonly AddFile[]): Promise<string[]> {
  const checks: Array<{ path: string; exists: () => Promise<boolean> }> = [];
  for (const file of files) {
    checks.push({ path: file.path, exists: () => exists(store, file.path) });
    const dv = file.deletionVector;
    if (dv && dv.storageType !== 'i') checks.push({ path: dvPath(dv), exists: () => dvExists(store, dv) });
  }
  const missing: string[] = [];
  for (let i = 0; i < checks.length; i += CHECK_CONCURRENCY) {
    const batch = checks.slice(i, i + CHECK_CONCURRENCY);
    const found = await Promise.all(batch.map((c) => c.exists()));
    batch.forEach((c, j) => {
      if (!found[j]) missing.push(c.path);
    });
  }
  return missing.sort();
}

async function exists(store: ObjectStore, path: string): Promise<boolean> {
  const key = relativeKey(path);
  if (key !== undefined) return (await store.head(key)) !== undefined;
  const local = localDataPath(path, store);
  if (local !== undefined)
    return fs.access(local).then(
      () => true,
      () => false,
    );
  const prefix = canonicalPath(`${store.root}/`, store.root);
  const absolute = canonicalPath(path, store.root);
  if (absolute.startsWith(prefix)) return (await store.head(absolute.slice(prefix.length))) !== undefined;
  return true; // outside the table on another store: not ours to check
}

function dvPath(dv: DeletionVectorDescriptor): string {
  return dv.storageType === 'u' ? relativeDeletionVectorKey(dv) : dv.pathOrInlineDv;
}

async function dvExists(store: ObjectStore, dv: DeletionVectorDescriptor): Promise<boolean> {
  if (dv.storageType === 'u') return (await store.head(relativeDeletionVectorKey(dv))) !== undefined;
  return exists(store, dv.pathOrInlineDv);
}
