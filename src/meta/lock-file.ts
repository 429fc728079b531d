/** The lock file itself: its record, and the few file operations the lock is built from. */
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { MetaLockFileError, type LockHolder } from './errors.js';

export interface LockRecord extends LockHolder {
  readonly token: string;
  readonly processStartTicks?: number;
}

/** Creates `file` with `text` unless it exists (O_CREAT | O_EXCL). */
export function createExclusive(file: string, text: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new MetaLockFileError(file, (error as Error).message, { cause: error });
  }
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  return true;
}

export function parseRecord(text: string): LockRecord | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockRecord>;
    if (
      typeof value.pid === 'number' &&
      typeof value.hostname === 'string' &&
      typeof value.token === 'string' &&
      typeof value.acquiredAt === 'string'
    )
      return value as LockRecord;
  } catch {
    // empty or half-written
  }
  return undefined;
}

export function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new MetaLockFileError(file, (error as Error).message, { cause: error });
  }
}

export function ageMs(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

export function removeFile(file: string): void {
  try {
    unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new MetaLockFileError(file, (error as Error).message, { cause: error });
  }
}
