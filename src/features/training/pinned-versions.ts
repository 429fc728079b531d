/**
 * Before a rebuild: every pinned source version must still be readable, its log (the
 * version itself, not only a later checkpoint) and every data file it lists. VACUUM
 * removes files a later version no longer needs, and log cleanup removes old commits;
 * either makes the exact rows unrecoverable, which is said naming the table and version
 * rather than failing halfway through the query on a missing file.
 */
import { isStrataError } from '../../core/index.js';
import { openSnapshot, type Snapshot } from '../../lake/index.js';
import { SourceVersionGoneError } from '../errors.js';
import type { PinnedRead } from './source-sql.js';

export async function checkPinsReadable(reads: readonly PinnedRead[]): Promise<void> {
  for (const read of reads) {
    let snapshot: Snapshot;
    try {
      snapshot = await openSnapshot(read.location, { version: read.version });
    } catch (error) {
      if (isStrataError(error))
        throw new SourceVersionGoneError(read.table, read.version, error.message, { cause: error });
      throw error;
    }
    for (const file of snapshot.files) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(file.path) || file.path.startsWith('/')) continue;
      const key = decodeURIComponent(file.path);
      if ((await snapshot.store.head(key)) === undefined)
        throw new SourceVersionGoneError(
          read.table,
          read.version,
          `its data file ${key} was removed, by VACUUM most likely`,
        );
    }
  }
}
