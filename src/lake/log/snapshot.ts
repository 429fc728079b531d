/**
 * A snapshot: the immutable state of a table at one version, built by replaying
 * its log segment. Loading gates on the protocol (a table we cannot read is refused
 * before any data is touched). A log without metaData still yields its file list;
 * anything that needs the schema then fails with MissingActionError.
 */
import type { ObjectMeta, ObjectStore } from '../../storage/index.js';
import type { AddFile, Metadata, Protocol, RemoveFile, Txn } from './actions.js';
import { MissingActionError } from '../errors.js';
import { readCheckpointActions, readJsonActions } from './log-reader.js';
import { applyActions, emptyState, type TableState } from './log-replay.js';
import { loadLogSegment, type LogSegment } from './log-segment.js';
import { assertReadable } from './protocol.js';
import { columnMappingMode, parseSchema, type ColumnMappingMode, type StructType } from './schema.js';

export class Snapshot {
  private cachedSchema: StructType | undefined;
  // The state never changes, so one frozen list serves every reader (a query asks for it
  // several times, and its identity lets pruning remember results per snapshot).
  private cachedFiles: readonly AddFile[] | undefined;

  constructor(
    readonly store: ObjectStore,
    readonly version: number,
    readonly segment: LogSegment,
    private readonly state: TableState,
  ) {}

  /** The table root URL (no trailing slash). */
  get location(): string {
    return this.store.root;
  }

  get protocol(): Protocol {
    if (!this.state.protocol) throw new MissingActionError(this.location, 'protocol', this.version);
    return this.state.protocol;
  }

  get metadata(): Metadata {
    if (!this.state.metadata) throw new MissingActionError(this.location, 'metaData', this.version);
    return this.state.metadata;
  }

  get hasMetadata(): boolean {
    return this.state.metadata !== undefined;
  }

  get schema(): StructType {
    this.cachedSchema ??= parseSchema(
      this.metadata.schemaString ?? '{"type":"struct","fields":[]}',
      `${this.location} metaData`,
    );
    return this.cachedSchema;
  }

  get partitionColumns(): readonly string[] {
    return this.metadata.partitionColumns;
  }

  get configuration(): Readonly<Record<string, string>> {
    return this.metadata.configuration;
  }

  get columnMapping(): ColumnMappingMode {
    return columnMappingMode(this.configuration);
  }

  /** Live data files (adds not removed by a later action). */
  get files(): readonly AddFile[] {
    this.cachedFiles ??= Object.freeze([...this.state.files.values()]);
    return this.cachedFiles;
  }

  /** Removed files still remembered by the log (for VACUUM and conflict checks). */
  get tombstones(): readonly RemoveFile[] {
    return [...this.state.tombstones.values()];
  }

  get domains(): ReadonlyMap<string, { domain: string; configuration: string }> {
    return this.state.domains;
  }

  txn(appId: string): Txn | undefined {
    return this.state.txns.get(appId);
  }

  get txns(): readonly Txn[] {
    return [...this.state.txns.values()];
  }

  /** The commit timestamp of this version (epoch ms). */
  get timestamp(): number {
    return commitTimestamp(this.segment, this.version, this.state);
  }

  get numRecords(): number | undefined {
    let total = 0;
    for (const file of this.state.files.values()) {
      const n = file.stats ? (JSON.parse(file.stats) as { numRecords?: number }).numRecords : undefined;
      if (typeof n !== 'number') return undefined;
      total += n - (file.deletionVector?.cardinality ?? 0);
    }
    return total;
  }

  /** The same snapshot read and written through another store instance at the same root. */
  withStore(store: ObjectStore): Snapshot {
    return store === this.store ? this : new Snapshot(store, this.version, this.segment, this.state);
  }

  /** A copy of the replayed state, for incremental updates by a writer. */
  cloneState(): TableState {
    return {
      ...this.state,
      files: new Map(this.state.files),
      tombstones: new Map(this.state.tombstones),
      txns: new Map(this.state.txns),
      domains: new Map(this.state.domains),
    };
  }
}

/** A full load: the log segment of the version (default the latest), replayed. Uncached: see snapshot-cache.ts. */
export async function loadSnapshot(store: ObjectStore, version?: number): Promise<Snapshot> {
  return replaySegment(store, await loadLogSegment(store, store.root, version));
}

export async function replaySegment(store: ObjectStore, segment: LogSegment): Promise<Snapshot> {
  const state = emptyState();
  // Read everything concurrently; apply strictly in log order.
  const [checkpointActions, commitActions] = await Promise.all([
    segment.checkpoint
      ? readCheckpointActions(
          store,
          segment.checkpoint.files.map((f) => f.key),
        )
      : Promise.resolve([]),
    Promise.all(segment.commits.map((c) => readJsonActions(store, c.key))),
  ]);
  applyActions(state, checkpointActions, store.root);
  for (const actions of commitActions) applyActions(state, actions, store.root);
  return finishSnapshot(store, segment, state);
}

export function finishSnapshot(store: ObjectStore, segment: LogSegment, state: TableState): Snapshot {
  if (!state.protocol) throw new MissingActionError(store.root, 'protocol', segment.version);
  assertReadable(state.protocol, store.root);
  return new Snapshot(store, segment.version, segment, state);
}

function commitTimestamp(segment: LogSegment, version: number, state: TableState): number {
  const ict = state.metadata?.configuration['delta.enableInCommitTimestamps'] === 'true';
  if (ict && state.lastCommitTimestamp !== undefined) return state.lastCommitTimestamp;
  const file: ObjectMeta | undefined = segment.listing.commits.get(version) ?? segment.checkpoint?.files[0];
  return file?.lastModified ?? 0;
}
