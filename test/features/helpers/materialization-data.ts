/**
 * Source rows for the materialization tests and the reference they are checked against:
 * per driver, the row first by event time, then created time (a row without one counts
 * as created at its event time), latest first, among every row ever committed. Every
 * (key, event time, created time) is unique, so the reference never depends on a tie.
 */
import { seededRandom } from '../../support/random.js';

export const HOUR = 3_600_000;
export const BASE = Date.parse('2026-03-01T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

// A type, not an interface: fromRows takes records, and only a type alias is one.
export type StatRow = {
  driver_id: number | null;
  event_ts: string | null;
  created_ts: string | null;
  trips: number | null;
  rating: number | null;
};

/** A generator of rows; `tick` makes every event and created time unique across calls. */
export function statRows(seed: number) {
  const random = seededRandom(seed);
  const int = (n: number) => Math.floor(random() * n);
  let tick = 0;
  const row = (driver: number | null, event: number, created: number | null): StatRow => ({
    driver_id: driver,
    event_ts: iso(event),
    created_ts: created === null ? null : iso(created),
    trips: random() < 0.1 ? null : int(50),
    rating: random() < 0.1 ? null : int(10) / 2,
  });
  return {
    /** `count` rows over `drivers` keys in the day after BASE + `dayOffset` days; the first has no nulls. */
    batch(count: number, drivers: number, dayOffset = 0): StatRow[] {
      const rows: StatRow[] = [];
      for (let i = 0; i < count; i++) {
        const event = BASE + dayOffset * 24 * HOUR + int(24) * HOUR + ++tick;
        const created = i > 0 && random() < 0.05 ? null : event + int(3) * HOUR + ++tick;
        const r = row(i > 0 && random() < 0.03 ? null : 1 + int(drivers), event, created);
        rows.push(i === 0 ? { ...r, trips: 1, rating: 1.5 } : r);
      }
      return rows;
    },
    /** A row for `driver` at exactly `event_ts` of `of`, created `deltaMs` after (or before) it. */
    correction(of: StatRow, deltaMs: number): StatRow {
      const created = Date.parse(of.created_ts ?? of.event_ts!) + deltaMs + (deltaMs > 0 ? ++tick : -++tick);
      return row(of.driver_id, Date.parse(of.event_ts!), created);
    },
    /** A late row: an event `hoursAgo` before BASE + `dayOffset` days, written now. */
    late(driver: number, dayOffset: number, hoursAgo: number): StatRow {
      const event = BASE + dayOffset * 24 * HOUR - hoursAgo * HOUR + ++tick;
      return row(driver, event, event + 30 * 24 * HOUR + ++tick);
    },
  };
}

export interface ExpectedRow {
  readonly eventTime: number;
  readonly createdTime: number;
  readonly values: { trips: number | null; rating: number | null };
}

const micros = (iso: string) => Date.parse(iso) * 1000;

/** Per driver id, the newest row among `rows`. */
export function newestByDriver(rows: readonly StatRow[]): Map<number, ExpectedRow> {
  const best = new Map<number, ExpectedRow>();
  for (const r of rows) {
    if (r.driver_id === null || r.event_ts === null) continue;
    const candidate = {
      eventTime: micros(r.event_ts),
      createdTime: micros(r.created_ts ?? r.event_ts),
      values: { trips: r.trips, rating: r.rating },
    };
    const held = best.get(r.driver_id);
    if (
      !held ||
      candidate.eventTime > held.eventTime ||
      (candidate.eventTime === held.eventTime && candidate.createdTime > held.createdTime)
    )
      best.set(r.driver_id, candidate);
  }
  return best;
}
