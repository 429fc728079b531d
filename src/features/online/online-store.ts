/**
 * The OnlineStore extension point: where materialized feature rows live for serving.
 * Built-ins (embedded lmdb, Redis) and plugins implement this one interface and pass the
 * one contract suite (test/features/online-store-contract.test.ts).
 *
 * What every implementation guarantees:
 * - A view's row for an entity key is replaced only by a strictly newer one: a later event
 *   time, or the same event time and a later created time. Older or equal rows are skipped,
 *   atomically per key (compare-and-set), so writes are idempotent and the order in which
 *   materializers or pushes arrive does not matter: the newest row wins.
 * - A write's optional watermark step (the source Delta version the batch covers) is
 *   applied together with the batch; see each store for the exact unit of atomicity.
 * - Times are microseconds since the epoch (DuckDB's TIMESTAMP precision, so the online
 *   side orders and expires rows exactly as the offline side does).
 */
import type { EntityKey } from './entity-key.js';

/** A feature value as stored and returned; the store keeps the JavaScript type it was given. */
export type FeatureValue = null | boolean | number | bigint | string | Date | Uint8Array | readonly FeatureValue[];

/** One materialized row of a feature view: an entity's feature values at an event time. */
export interface OnlineRow {
  readonly key: EntityKey;
  /** Microseconds since the epoch. */
  readonly eventTime: number;
  /** When the row was written at the source (microseconds); breaks ties of event time. Default 0. */
  readonly createdTime?: number;
  readonly values: Readonly<Record<string, FeatureValue>>;
}

/** A row as read back. */
export interface StoredRow {
  readonly eventTime: number;
  readonly createdTime: number;
  readonly values: Readonly<Record<string, FeatureValue>>;
}

/**
 * Moves a view's watermark with a write. `expected` (when given) is compare-and-set: the
 * write fails with OnlineWatermarkConflictError if the stored watermark differs (null: none
 * yet). Without `expected` the watermark only moves forward (max of stored and next).
 */
export interface WatermarkStep {
  readonly expected?: number | null;
  readonly next: number;
}

export interface WriteOptions {
  readonly watermark?: WatermarkStep;
}

export interface WriteResult {
  /** Rows that replaced an older row or filled an empty key. */
  readonly written: number;
  /** Rows not newer than the stored one (left as they were). */
  readonly skipped: number;
}

/** One view's keys to read. */
export interface ViewKeys {
  readonly view: string;
  readonly keys: readonly EntityKey[];
}

export interface OnlineStore {
  /** What the store is, for messages (`lmdb:/path`, `redis://host:port`). */
  readonly name: string;
  /** Writes a batch of one view's rows under the newest-wins rule, with an optional watermark step. */
  write(view: string, rows: readonly OnlineRow[], options?: WriteOptions): Promise<WriteResult>;
  /** Reads many views' keys in one call: per request, per key, the stored row or undefined. */
  read(requests: readonly ViewKeys[]): Promise<Array<Array<StoredRow | undefined>>>;
  /** The view's watermark (last materialized source version), or null before the first. */
  watermark(view: string): Promise<number | null>;
  /** Removes the view's rows for these keys; returns how many existed. */
  delete(view: string, keys: readonly EntityKey[]): Promise<number>;
  /** Removes the view's rows with event time before `eventTimeBefore` (µs); returns how many. */
  expire(view: string, eventTimeBefore: number): Promise<number>;
  /** Removes every row and the watermark of a view. */
  dropView(view: string): Promise<void>;
  close(): Promise<void>;
}
