/**
 * Conflict detection between a transaction that lost the race for a version and the
 * commit that won it (Delta's optimistic concurrency, as in its ConflictChecker).
 *
 * The loser may retry at the next version only if the winner changed nothing it
 * depended on. The rules, checked in this order:
 * 1. protocol-changed: the winner changed the protocol.
 * 2. metadata-changed: the winner changed the schema, partitioning or properties.
 * 3. concurrent-append: the winner added data files into what the loser read (its
 *    read predicate); under WriteSerializable the winner's blind appends are ignored.
 * 4. concurrent-delete-read: the winner removed a file the loser read.
 * 5. concurrent-delete-delete: the winner removed a file the loser also removes.
 * 6. concurrent-transaction: both carry a `txn` for the same application id.
 */
import { commitInfoOf, type Action, type AddFile } from '../log/actions.js';
import { CommitConflictError, ConflictRule } from '../errors.js';
import { fileKey } from '../log/log-replay.js';

export type IsolationLevel = 'Serializable' | 'WriteSerializable';

/** What a transaction read and what it changes, as far as conflicts are concerned. */
export interface TransactionFootprint {
  readonly isolationLevel: IsolationLevel;
  /** The transaction read table data (false for blind appends). */
  readonly readsData: boolean;
  /** Which added files would have been in the transaction's read; undefined = all. */
  readonly readPredicate?: (file: AddFile) => boolean;
  /** Keys (`fileKey`) of the files the transaction read. */
  readonly readFileKeys: ReadonlySet<string>;
  /** Keys of the files the transaction removes. */
  readonly removedFileKeys: ReadonlySet<string>;
  readonly appIds: ReadonlySet<string>;
}

export function checkConflicts(
  footprint: TransactionFootprint,
  winningVersion: number,
  winning: readonly Action[],
  tableRoot: string,
): void {
  const winnerIsBlindAppend = commitInfoOf(winning).isBlindAppend === true;
  const fail = (rule: ConflictRule, message: string, details: Record<string, unknown> = {}): never => {
    throw new CommitConflictError(rule, winningVersion, message, details);
  };
  for (const action of winning) {
    if (action.kind === 'protocol')
      fail(ConflictRule.protocolChanged, 'the protocol of the table changed; re-read the table and retry.');
    if (action.kind === 'metaData')
      fail(
        ConflictRule.metadataChanged,
        'the table metadata (schema, partitioning or properties) changed; re-read the table and retry.',
      );
  }
  if (footprint.readsData) {
    const ignoreAdds = footprint.isolationLevel === 'WriteSerializable' && winnerIsBlindAppend;
    for (const action of winning) {
      if (ignoreAdds || action.kind !== 'add' || !action.add.dataChange) continue;
      if (!footprint.readPredicate || footprint.readPredicate(action.add)) {
        fail(
          ConflictRule.concurrentAppend,
          `a concurrent commit added ${action.add.path} to data this transaction read; retry the operation.`,
          { path: action.add.path },
        );
      }
    }
  }
  for (const action of winning) {
    // Removes without dataChange (compaction) still conflict: the rows moved to files
    // this transaction never saw, so proceeding would duplicate or resurrect them.
    if (action.kind !== 'remove') continue;
    const key = fileKey(action.remove, tableRoot);
    if (footprint.readFileKeys.has(key)) {
      fail(
        ConflictRule.concurrentDeleteRead,
        `a concurrent commit removed ${action.remove.path}, which this transaction read; retry the operation.`,
        { path: action.remove.path },
      );
    }
    if (footprint.removedFileKeys.has(key)) {
      fail(
        ConflictRule.concurrentDeleteDelete,
        `a concurrent commit also removed ${action.remove.path}; retry the operation.`,
        { path: action.remove.path },
      );
    }
  }
  for (const action of winning) {
    if (action.kind === 'txn' && footprint.appIds.has(action.txn.appId)) {
      fail(
        ConflictRule.concurrentTransaction,
        `a concurrent commit wrote for application id "${action.txn.appId}" (version ${action.txn.version}).`,
        { appId: action.txn.appId },
      );
    }
  }
}
