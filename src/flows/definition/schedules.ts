/**
 * Schedules: when the scheduler creates runs of a flow.
 *   cron('0 3 * * *', { timezone: 'Europe/Paris' })  — each tick is a run's logical date
 *   every('15m') / every({ minutes: 15 })           — fixed intervals from the start date
 *   onTableUpdate('main.orders', ...)                — a run when any of the tables gets a new version
 *   manual (no schedule)                             — only when triggered, with parameters
 */
import { InvalidArgumentError } from '../../core/index.js';

export type Schedule =
  | { readonly kind: 'manual' }
  | { readonly kind: 'cron'; readonly expression: string; readonly timezone: string }
  | { readonly kind: 'interval'; readonly everyMs: number }
  | { readonly kind: 'table'; readonly tables: readonly string[] };

// Constructors. They only build the value; validateFlow checks it (a bad cron or time
// zone is reported with the flow's name), except that an unreadable `every` string
// has no value to build and is refused here.

const MANUAL: Schedule = Object.freeze({ kind: 'manual' });

/** A cron expression (5 fields, or 6 with seconds) evaluated in `timezone` (IANA name, default UTC). */
/** The schedule of a flow without one: runs only when triggered. */
export const MANUAL_SCHEDULE: Schedule = { kind: 'manual' };

export function cron(expression: string, options: { readonly timezone?: string } = {}): Schedule {
  return Object.freeze({ kind: 'cron', expression, timezone: options.timezone ?? 'UTC' });
}

export interface IntervalSpec {
  readonly days?: number;
  readonly hours?: number;
  readonly minutes?: number;
  readonly seconds?: number;
}

const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000 } as const;
const INTERVAL_PATTERN = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/** A fixed interval: `every('15m')`, `every('1h30m')`, `every({ hours: 6 })`. Ticks are counted from the flow's startDate. */
export function every(spec: string | IntervalSpec): Schedule {
  if (typeof spec === 'string') {
    const match = INTERVAL_PATTERN.exec(spec.trim());
    if (match === null || spec.trim() === '') {
      throw new InvalidArgumentError(
        `every("${spec}"): not an interval; write digits with units d, h, m, s in that order, e.g. '30s', '15m', '1h30m', '1d'.`,
        { spec },
      );
    }
    const [, d, h, m, s] = match;
    return intervalOf({
      days: Number(d ?? 0),
      hours: Number(h ?? 0),
      minutes: Number(m ?? 0),
      seconds: Number(s ?? 0),
    });
  }
  return intervalOf(spec);
}

function intervalOf(spec: IntervalSpec): Schedule {
  const everyMs =
    (spec.days ?? 0) * UNIT_MS.d +
    (spec.hours ?? 0) * UNIT_MS.h +
    (spec.minutes ?? 0) * UNIT_MS.m +
    (spec.seconds ?? 0) * UNIT_MS.s;
  return Object.freeze({ kind: 'interval', everyMs });
}

/** A run whenever any of these lake tables (catalog names) gets a new version. */
export function onTableUpdate(...tables: string[]): Schedule {
  return Object.freeze({ kind: 'table', tables: Object.freeze([...tables]) });
}

/** Runs only when triggered (the default when a flow has no schedule). */
export function manual(): Schedule {
  return MANUAL;
}
