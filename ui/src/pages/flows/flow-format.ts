/** How the Flows page writes schedules, times and durations. */

export type ScheduleView =
  | { readonly kind: 'manual' }
  | { readonly kind: 'cron'; readonly expression: string; readonly timezone: string }
  | { readonly kind: 'interval'; readonly everyMs: number }
  | { readonly kind: 'table'; readonly tables: readonly string[] };

export function scheduleText(schedule: ScheduleView): string {
  switch (schedule.kind) {
    case 'manual':
      return 'manual';
    case 'cron':
      return `cron ${schedule.expression}${schedule.timezone === 'UTC' ? '' : ` (${schedule.timezone})`}`;
    case 'interval':
      return `every ${durationText(schedule.everyMs)}`;
    case 'table':
      return `on update of ${schedule.tables.join(', ')}`;
  }
}

/** `1.2 s`, `45 s`, `3m 05s`, `2h 10m`, `1d 2h`. */
export function durationText(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  // Schedules are round: every 1d, every 6h, every 15m.
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms < 172_800_000 && ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms < 3_600_000 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes}m ${String(Math.floor((ms % 60_000) / 1000)).padStart(2, '0')}s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h ${String(minutes % 60).padStart(2, '0')}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

/** A timestamp in the browser's locale, or a dash. */
export function timeText(iso: string | null | undefined): string {
  return iso === null || iso === undefined ? '—' : new Date(iso).toLocaleString();
}

/** A run's ETA: 0 means its tasks already run past what they usually take. */
export function etaText(etaMs: number): string {
  return etaMs <= 0 ? 'any moment (past the expected end)' : `in ${durationText(etaMs)}`;
}
