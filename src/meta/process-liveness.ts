/**
 * Is the process that wrote a lock still running? A pid alone can be reused by an
 * unrelated process after the holder dies, so on Linux the holder also records its
 * start time in clock ticks since boot (field 22 of /proc/<pid>/stat): a live pid
 * with a different start time is not the holder. Elsewhere, the pid is all we have.
 */
import { readFileSync } from 'node:fs';

export const ProcessState = { alive: 'alive', dead: 'dead' } as const;
export type ProcessState = (typeof ProcessState)[keyof typeof ProcessState];

/** The start time of `pid` in clock ticks since boot, or undefined where /proc is unavailable. */
export function processStartTicks(pid: number | 'self'): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may contain spaces or ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]); // field 22 overall; fields[0] is field 3
    return Number.isSafeInteger(ticks) ? ticks : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the process `pid` on this host, started at `startTicks` (when known), is running. */
export function processState(pid: number, startTicks?: number): ProcessState {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return ProcessState.dead;
  }
  if (startTicks === undefined) return ProcessState.alive;
  const current = processStartTicks(pid);
  return current === undefined || current === startTicks ? ProcessState.alive : ProcessState.dead;
}
