/**
 * The snapshot door's freshness probe on a local directory, done synchronously. A query
 * on a cached snapshot must still learn that no commit followed it (read-your-writes),
 * which takes a few metadata reads: on a local disk each is a few microseconds as a
 * system call, but tens as a promise through libuv's thread pool (which a busy server
 * also shares with every other file read). Remote and in-memory stores, and any error
 * here, take the ordinary asynchronous path, which reports errors as it always has.
 */
import { readFileSync, statSync } from 'node:fs';
import { Cache } from '../../core/index.js';
import type { ObjectMeta, ObjectStore } from '../../storage/index.js';
import { LAST_CHECKPOINT } from './log-files.js';
import { parseLastCheckpointHint } from './log-segment.js';

/** What `probe` finds: is each key present (its metadata) and the checkpoint hint. */
export interface LocalProbe {
  readonly heads: ReadonlyArray<ObjectMeta | undefined>;
  /** The version `_last_checkpoint` names (undefined when absent, unreadable or not asked). */
  readonly hint: number | undefined;
}

/**
 * The metadata of each key (undefined when absent) and, with `withHint`, the checkpoint
 * hint, read synchronously; undefined when the store is not a local directory or a read
 * failed other than by absence (the caller then asks the store).
 */
export function probeLocally(store: ObjectStore, keys: readonly string[], withHint: boolean): LocalProbe | undefined {
  try {
    const heads: Array<ObjectMeta | undefined> = [];
    for (const key of keys) {
      const file = store.localPath(key);
      if (file === undefined) return undefined;
      const stat = statSync(file, { throwIfNoEntry: false });
      heads.push(stat?.isFile() ? { key, size: stat.size, lastModified: stat.mtimeMs } : undefined);
    }
    return { heads, hint: withHint ? readHint(store) : undefined };
  } catch {
    return undefined;
  }
}

/** Hints read, by file: `_last_checkpoint` is replaced by rename, so a new one is another inode. */
const hints = new Cache<string, { ino: number; size: number; mtimeMs: number; hint: number | undefined }>({
  maxEntries: 256,
});

function readHint(store: ObjectStore): number | undefined {
  const file = store.localPath(LAST_CHECKPOINT);
  if (file === undefined) return undefined;
  const stat = statSync(file, { throwIfNoEntry: false });
  if (!stat) return undefined;
  const known = hints.get(file);
  if (known && known.ino === stat.ino && known.size === stat.size && known.mtimeMs === stat.mtimeMs) return known.hint;
  let hint: number | undefined;
  try {
    hint = parseLastCheckpointHint(readFileSync(file));
  } catch {
    hint = undefined; // unreadable, as readLastCheckpointHint reads it
  }
  hints.set(file, { ino: stat.ino, size: stat.size, mtimeMs: stat.mtimeMs, hint });
  return hint;
}
