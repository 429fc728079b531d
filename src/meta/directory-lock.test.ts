import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireDirectoryLock } from './directory-lock.js';
import { MetaLockedError, MetaLockFileError } from './errors.js';
import { processStartTicks } from './process-liveness.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'strata-lock-'));
  dirs.push(dir);
  return dir;
}

/** The pid of a process that has exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid!;
}

const record = (fields: Record<string, unknown>) =>
  JSON.stringify({ hostname: hostname(), acquiredAt: '2026-01-01T00:00:00.000Z', token: 'old', ...fields });

describe('acquireDirectoryLock', () => {
  it('records the holder and removes the file on release (only once)', async () => {
    const dir = tempDir();
    const lock = await acquireDirectoryLock(dir);
    const written = JSON.parse(readFileSync(lock.file, 'utf8')) as Record<string, unknown>;
    expect(written).toMatchObject({ pid: process.pid, hostname: hostname() });
    expect(typeof written.acquiredAt).toBe('string');
    expect(typeof written.processStartedAt).toBe('string');
    lock.release();
    expect(existsSync(lock.file)).toBe(false);
    lock.release();
  });

  it('refuses while held, then is free after release', async () => {
    const dir = tempDir();
    const lock = await acquireDirectoryLock(dir);
    await expect(acquireDirectoryLock(dir)).rejects.toBeInstanceOf(MetaLockedError);
    lock.release();
    (await acquireDirectoryLock(dir)).release();
  });

  it('takes over a lock whose pid is gone', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'strata.lock'), record({ pid: deadPid() }));
    const lock = await acquireDirectoryLock(dir);
    expect(lock.holder.pid).toBe(process.pid);
    lock.release();
  });

  it.runIf(processStartTicks('self') !== undefined)(
    'takes over a lock whose pid now belongs to a process started at another time',
    async () => {
      const dir = tempDir();
      writeFileSync(
        path.join(dir, 'strata.lock'),
        record({ pid: process.pid, processStartTicks: processStartTicks('self')! - 1 }),
      );
      const lock = await acquireDirectoryLock(dir);
      expect(JSON.parse(readFileSync(lock.file, 'utf8'))).toMatchObject({
        pid: process.pid,
        processStartTicks: processStartTicks('self'),
      });
      lock.release();
    },
  );

  it('ignores a takeover guard left by a dead process', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'strata.lock'), record({ pid: deadPid() }));
    writeFileSync(path.join(dir, 'strata.lock.takeover'), record({ pid: deadPid(), token: 'guard' }));
    const lock = await acquireDirectoryLock(dir);
    expect(existsSync(path.join(dir, 'strata.lock.takeover'))).toBe(false);
    lock.release();
  });

  it('refuses an unreadable lock file that is not being written, saying what to do', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'strata.lock');
    writeFileSync(file, 'garbage');
    utimesSync(file, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    await expect(acquireDirectoryLock(dir)).rejects.toBeInstanceOf(MetaLockFileError);
    await expect(acquireDirectoryLock(dir)).rejects.toThrow(/delete the file/);
  });

  it('never removes a lock file that is no longer its own', async () => {
    const dir = tempDir();
    const lock = await acquireDirectoryLock(dir);
    writeFileSync(lock.file, record({ pid: process.pid, token: 'someone-else' }));
    lock.release();
    expect(existsSync(lock.file)).toBe(true);
  });
});
