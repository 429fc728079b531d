/**
 * The bounds of a backfill range as users write them. A range is inclusive at both ends,
 * and a bound is read in the schedule's time zone (UTC for interval schedules):
 *   2026-01-31                 the whole day: from its first instant (--from) or to its last (--to),
 *                              so `--to 2026-01-31` includes the 02:00 run of a daily 02:00 schedule;
 *   2026-01-31T02:00           that wall-clock time in the schedule's time zone;
 *   2026-01-31T02:00:00Z       that instant (any explicit offset is honoured).
 */
import { InvalidArgumentError } from '../../core/index.js';

const BOUND_PATTERN = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?)?$/;
const ZONED_PATTERN = /(?:Z|[+-]\d{2}:?\d{2})$/i;
const DAY_MS = 86_400_000;

export type BoundSide = 'from' | 'to';

/** A bound given as an instant is kept; one given as text is read by the rules above. */
export function backfillBound(value: Date | string, side: BoundSide, timezone: string): Date {
  if (value instanceof Date) return value;
  const text = value.trim();
  if (ZONED_PATTERN.test(text) && text.includes('T')) {
    const instant = new Date(text);
    if (!Number.isNaN(instant.getTime())) return instant;
  }
  const match = BOUND_PATTERN.exec(text);
  const parts = match?.slice(1).map((part) => (part === undefined ? undefined : Number(part)));
  if (match === null || parts === undefined || !isCalendarDate(parts[0]!, parts[1]!, parts[2]!))
    throw notADate(value, side);
  const [year, month, day, hour, minute, second, milli] = parts as [number, number, number, ...(number | undefined)[]];
  if (hour === undefined) {
    const start = zonedWallTime(year, month, day, 0, 0, 0, 0, timezone);
    if (side === 'from') return start;
    // The day's last millisecond: the next day's start (23 or 25 hours later on DST days), minus one.
    const next = new Date(Date.UTC(year, month - 1, day) + DAY_MS);
    return new Date(
      zonedWallTime(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), 0, 0, 0, 0, timezone).getTime() -
        1,
    );
  }
  if (hour > 23 || minute! > 59 || (second ?? 0) > 59) throw notADate(value, side);
  return zonedWallTime(year, month, day, hour, minute!, second ?? 0, milli ?? 0, timezone);
}

function notADate(value: string, side: BoundSide): InvalidArgumentError {
  return new InvalidArgumentError(
    `--${side} "${value}" is not a date: write 2026-01-31 (the whole day, in the schedule's time zone), 2026-01-31T03:00 (a time there) or 2026-01-31T03:00:00Z (an instant).`,
    { option: side, value },
  );
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * The instant a wall-clock time has in `timezone`. A time skipped by a spring-forward
 * jump maps to the same offset after the jump (as cron ticks do); a repeated time to its
 * first occurrence.
 */
export function zonedWallTime(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  milli: number,
  timezone: string,
): Date {
  const wall = Date.UTC(year, month - 1, day, hour, minute, second, milli);
  // A zone changes its offset at most once within a day: the offsets half a day either
  // side are the only candidates, and a candidate holds when its instant has that offset.
  const earlier = offsetMs(new Date(wall - DAY_MS / 2), timezone);
  const later = offsetMs(new Date(wall + DAY_MS / 2), timezone);
  const holds = [earlier, later]
    .map((offset) => wall - offset)
    .filter((t) => wall - offsetMs(new Date(t), timezone) === t);
  // None holds in a spring-forward gap: the offset before the jump lands as far past it.
  return new Date(holds.length === 0 ? wall - earlier : Math.min(...holds));
}

const formats = new Map<string, Intl.DateTimeFormat>();

/** How far `timezone`'s wall clock is ahead of UTC at `at`. */
function offsetMs(at: Date, timezone: string): number {
  let format = formats.get(timezone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formats.set(timezone, format);
  }
  const part = (type: string) => Number(format.formatToParts(at).find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
  return wall - Math.floor(at.getTime() / 1_000) * 1_000;
}
