/**
 * Log replay (PROTOCOL.md, "Action Reconciliation"): folds a checkpoint and the
 * commits after it into the table state at one version.
 *
 * Files are keyed by (canonical path, deletion vector id): the newest add or remove
 * of a key wins; an add is live unless a later remove of the same key exists.
 * The newest protocol and metaData win; txn and domainMetadata are kept per id.
 */
import type { Action, AddFile, DomainMetadata, Metadata, Protocol, RemoveFile, Txn } from './actions.js';
import { deletionVectorId } from '../deletion-vectors/deletion-vector.js';
import { canonicalPath } from './file-paths.js';

export interface TableState {
  protocol?: Protocol;
  metadata?: Metadata;
  readonly files: Map<string, AddFile>;
  readonly tombstones: Map<string, RemoveFile>;
  readonly txns: Map<string, Txn>;
  readonly domains: Map<string, DomainMetadata>;
  /** The inCommitTimestamp or timestamp of the last commit applied, when it had commitInfo. */
  lastCommitTimestamp?: number;
}

export function emptyState(): TableState {
  return { files: new Map(), tombstones: new Map(), txns: new Map(), domains: new Map() };
}

export function fileKey(file: { path: string; deletionVector?: AddFile['deletionVector'] }, tableRoot: string): string {
  const dv = file.deletionVector ? deletionVectorId(file.deletionVector) : '';
  return `${canonicalPath(file.path, tableRoot)}\u0000${dv}`;
}

/** Applies one version's (or one checkpoint's) actions to the state, in order. */
export function applyActions(state: TableState, actions: readonly Action[], tableRoot: string): void {
  for (const action of actions) {
    switch (action.kind) {
      case 'protocol':
        state.protocol = action.protocol;
        break;
      case 'metaData':
        state.metadata = action.metaData;
        break;
      case 'add': {
        const key = fileKey(action.add, tableRoot);
        state.files.set(key, action.add);
        state.tombstones.delete(key);
        break;
      }
      case 'remove': {
        const key = fileKey(action.remove, tableRoot);
        state.files.delete(key);
        state.tombstones.set(key, action.remove);
        break;
      }
      case 'txn':
        state.txns.set(action.txn.appId, action.txn);
        break;
      case 'domainMetadata':
        if (action.domainMetadata.removed) state.domains.delete(action.domainMetadata.domain);
        else state.domains.set(action.domainMetadata.domain, action.domainMetadata);
        break;
      case 'commitInfo': {
        const ts = action.commitInfo.inCommitTimestamp ?? action.commitInfo.timestamp;
        if (typeof ts === 'number') state.lastCommitTimestamp = ts;
        break;
      }
      default:
        break; // cdc, checkpointMetadata, sidecar: not part of the snapshot state
    }
  }
}
