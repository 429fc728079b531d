/** How flows, runs and tasks read on a terminal: schedules, durations, dates, mapped tasks summarized. */
import type { RunView, Schedule, TaskView } from '../flows/index.js';

export function scheduleText(schedule: Schedule): string {
  switch (schedule.kind) {
    case 'cron':
      return `cron ${schedule.expression} (${schedule.timezone})`;
    case 'interval':
      return `every ${durationText(schedule.everyMs, true)}`;
    case 'table':
      return `on ${schedule.tables.join(', ')}`;
    case 'manual':
      return 'manual';
  }
}

/** 1.2s, 45s, 3m05s, 2h10m, 3d4h; `compact` drops zero parts (every 15m, 1h30m). */
export function durationText(ms: number | null | undefined, compact = false): string {
  if (ms === null || ms === undefined) return '';
  if (compact) {
    const parts: string[] = [];
    let rest = Math.round(ms / 1000);
    for (const [unit, size] of [
      ['d', 86_400],
      ['h', 3_600],
      ['m', 60],
      ['s', 1],
    ] as const) {
      if (rest >= size) parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
    return parts.join('') || `${ms}ms`;
  }
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3_600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  if (s < 86_400) return `${Math.floor(s / 3_600)}h${String(Math.floor((s % 3_600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(s / 86_400)}d${Math.floor((s % 86_400) / 3_600)}h`;
}

/** ISO 8601 to the second, UTC: 2026-01-31 03:00:00Z. */
export function dateText(iso: string | null | undefined): string {
  return iso ? iso.replace('T', ' ').replace(/\.\d{3}Z$/, 'Z') : '';
}

export function runDurationMs(run: RunView, now = Date.now()): number | null {
  if (run.startedAt === null) return null;
  return (run.endedAt === null ? now : Date.parse(run.endedAt)) - Date.parse(run.startedAt);
}

/** A task's row label: a mapped task summarizes its instances, `scale [3/4 success, 1 running]`. */
export function taskLabel(task: TaskView, instances: readonly TaskView[]): string {
  if (instances.length === 0) return task.taskId;
  const counts = new Map<string, number>();
  for (const i of instances) counts.set(i.state, (counts.get(i.state) ?? 0) + 1);
  const [first, ...rest] = [...counts].sort((a, b) => b[1] - a[1]);
  return `${task.taskId} [${first![1]}/${instances.length} ${first![0]}${rest.map(([s, n]) => `, ${n} ${s}`).join('')}]`;
}

/** Map instances by their mapped task. */
export function instancesByTask(tasks: readonly TaskView[]): Map<string, TaskView[]> {
  const byTask = new Map<string, TaskView[]>();
  for (const t of tasks.filter((x) => x.mapIndex >= 0)) byTask.set(t.taskId, [...(byTask.get(t.taskId) ?? []), t]);
  return byTask;
}

/** An ETA in steps coarse enough that a progress line does not change every poll. */
export function etaText(ms: number | null): string {
  if (ms === null) return '';
  if (ms < 60_000) return `~${Math.max(5, Math.ceil(ms / 5_000) * 5)}s`;
  return `~${durationText(Math.ceil(ms / 60_000) * 60_000, true)}`;
}
