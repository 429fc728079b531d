/**
 * Work after a successful commit: a checkpoint every `delta.checkpointInterval`
 * versions, and at every tenth checkpoint a cleanup of log files past
 * `delta.logRetentionDuration` (cleanup lists the whole log, which costs far more than
 * a checkpoint on a long log; running it less often only keeps expired files longer).
 * The commit already stands; a failure here only costs a slower next load, so it is
 * reported on stderr and never undoes or fails the write.
 */
import { checkpointInterval, writeCheckpoint, shouldCheckpoint } from '../log/checkpoint-writer.js';
import { cleanupExpiredLogs } from '../log/log-cleanup.js';
import type { Snapshot } from '../log/snapshot.js';

const CLEANUP_EVERY_CHECKPOINTS = 10;

export async function afterCommit(snapshot: Snapshot): Promise<void> {
  if (!shouldCheckpoint(snapshot.version, snapshot.configuration)) return;
  try {
    await writeCheckpoint(snapshot);
    if ((snapshot.version / checkpointInterval(snapshot.configuration)) % CLEANUP_EVERY_CHECKPOINTS === 0) {
      await cleanupExpiredLogs(snapshot.store, snapshot);
    }
  } catch (error) {
    process.emitWarning(
      `checkpoint at version ${snapshot.version} of ${snapshot.location} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
