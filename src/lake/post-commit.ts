/**
 * Work after a successful commit: a checkpoint every `delta.checkpointInterval`
 * versions, then cleanup of log files past `delta.logRetentionDuration`.
 * The commit already stands; a failure here only costs a slower next load, so it is
 * reported on stderr and never undoes or fails the write.
 */
import { writeCheckpoint, shouldCheckpoint } from './checkpoint-writer.js';
import { cleanupExpiredLogs } from './log-cleanup.js';
import type { Snapshot } from './snapshot.js';

export async function afterCommit(snapshot: Snapshot): Promise<void> {
  if (!shouldCheckpoint(snapshot.version, snapshot.configuration)) return;
  try {
    await writeCheckpoint(snapshot);
    await cleanupExpiredLogs(snapshot.store, snapshot);
  } catch (error) {
    process.emitWarning(`checkpoint at version ${snapshot.version} of ${snapshot.location} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
