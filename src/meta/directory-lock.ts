/**
 * An exclusive lock on a directory, held by one process: a lock file created with
 * O_EXCL (`wx`), recording the holder's pid, host, start time and a random token.
 *
 * Guarantees: while a live process holds the lock, no other opener gets it. A lock
 * left by a dead process on this host (pid gone, or reused by a process that started
 * at another time) is taken over; two processes taking over the same stale lock at
 * once are serialized by a second O_EXCL file (`<lock>.takeover`), and the stale file
 * is only removed if it is still the one that was judged stale. A lock from another
 * host cannot be checked and is never taken over. Released on release() and on
 * process exit; a process killed by a signal leaves it behind, stale.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MetaLockedError, MetaLockFileError, type LockHolder } from './errors.js';
import { ageMs, createExclusive, parseRecord, readText, removeFile, type LockRecord } from './lock-file.js';
import { processStartTicks, processState, ProcessState } from './process-liveness.js';
import { releaseAtExit } from './exit-hooks.js';

export interface DirectoryLock {
  readonly file: string;
  readonly holder: LockHolder;
  /** Removes the lock file if it is still ours. Idempotent. */
  release(): void;
}

/** A lock file still empty after this long was left by a process that died creating it. */
const UNWRITTEN_GRACE_MS = 2_000;
const MAX_ATTEMPTS = 200;

export async function acquireDirectoryLock(directory: string, fileName = 'strata.lock'): Promise<DirectoryLock> {
  const file = path.join(directory, fileName);
  const record = ownRecord();
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (createExclusive(file, JSON.stringify(record))) return heldLock(file, record);
    const text = readText(file);
    if (text === undefined) continue; // released meanwhile: try again
    const holder = parseRecord(text);
    if (!holder) {
      if (ageMs(file) < UNWRITTEN_GRACE_MS) {
        await sleep(20); // its creator is still writing it
        continue;
      }
      throw new MetaLockFileError(
        file,
        `it holds no readable lock record (${JSON.stringify(text.slice(0, 80))}). If no process uses ${directory}, delete the file.`,
      );
    }
    const reason = refusal(holder);
    if (reason) throw new MetaLockedError(directory, file, publicHolder(holder), reason);
    await takeOver(file, text);
  }
  throw new MetaLockFileError(
    file,
    `it kept changing over ${MAX_ATTEMPTS} attempts; another process is opening and closing ${directory} in a loop.`,
  );
}

/** Why a live holder keeps the lock, or undefined when the holder is dead. */
function refusal(holder: LockRecord): string | undefined {
  if (holder.hostname !== hostname())
    return `a process on another host (${holder.hostname}), which cannot be checked from here`;
  if (processState(holder.pid, holder.processStartTicks) === ProcessState.dead) return undefined;
  if (holder.pid === process.pid)
    return 'this process, through another open handle (share that handle instead of opening again)';
  return 'another process';
}

/** Removes a stale lock file, if it is still `staleText`, under the takeover guard. */
async function takeOver(file: string, staleText: string): Promise<void> {
  const guard = `${file}.takeover`;
  if (!createExclusive(guard, JSON.stringify(ownRecord()))) {
    const other = parseRecord(readText(guard) ?? '');
    const guardStale = other
      ? other.hostname === hostname() && processState(other.pid, other.processStartTicks) === ProcessState.dead
      : ageMs(guard) > UNWRITTEN_GRACE_MS;
    if (guardStale) removeFile(guard);
    else await sleep(10);
    return;
  }
  try {
    if (readText(file) === staleText) removeFile(file);
  } finally {
    removeFile(guard);
  }
}

function heldLock(file: string, record: LockRecord): DirectoryLock {
  let held = true;
  const release = (): void => {
    if (!held) return;
    held = false;
    unregister();
    // Never remove a lock that is no longer ours (e.g. taken over after a pid check went wrong).
    if (parseRecord(readText(file) ?? '')?.token === record.token) removeFile(file);
  };
  const unregister = releaseAtExit(release);
  return { file, holder: publicHolder(record), release };
}

function ownRecord(): LockRecord {
  const ticks = processStartTicks('self');
  return {
    pid: process.pid,
    hostname: hostname(),
    acquiredAt: new Date().toISOString(),
    processStartedAt: new Date(Date.now() - process.uptime() * 1000).toISOString(),
    command: [path.basename(process.argv[0] ?? 'node'), ...process.argv.slice(1).map((a) => path.basename(a))]
      .join(' ')
      .slice(0, 200),
    token: randomUUID(),
    ...(ticks === undefined ? {} : { processStartTicks: ticks }),
  };
}

function publicHolder(record: LockRecord): LockHolder {
  const { pid, hostname: host, acquiredAt, processStartedAt, command } = record;
  return {
    pid,
    hostname: host,
    acquiredAt,
    ...(processStartedAt ? { processStartedAt } : {}),
    ...(command ? { command } : {}),
  };
}
