/**
 * The prediction log: every served prediction (request id, model, version, row, inputs,
 * output, latency, time; `served` false for a shadow version's answer) appended to a Delta
 * table in batches, off the request path.
 * `append` only pushes onto an in-memory buffer; a batch is committed when the buffer
 * reaches `flushRows` or `flushIntervalMs` after its first row, whichever comes first,
 * one commit at a time (a Delta append is atomic: a batch is in the table whole or not
 * at all).
 *
 * Loss window on a crash (process killed, machine lost): the rows not yet committed —
 * fewer than `flushRows` rows, at most `flushIntervalMs` of predictions — plus the batch
 * being committed if the crash interrupts its commit. Committed rows are never lost.
 * `close()` (the server's graceful shutdown) commits everything buffered. If commits fall
 * behind (the store is down), the buffer keeps at most `maxBufferedRows`; the oldest rows
 * past that are dropped and counted in `dropped`, so the server's memory stays bounded.
 */
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { JsonValue } from '../../core/index.js';

export interface PredictionRecord {
  readonly requestId: string;
  readonly model: string;
  readonly version: number;
  /** The row's index within its request. */
  readonly row: number;
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly output: number | readonly number[];
  readonly latencyMs: number;
  /** Epoch milliseconds. */
  readonly time: number;
  /** False for a shadow version's answer (scored and logged, never returned); default true. */
  readonly served?: boolean;
}

export interface PredictionLogOptions {
  readonly flushRows?: number;
  readonly flushIntervalMs?: number;
  readonly maxBufferedRows?: number;
  /** Called with a commit's error (the batch is kept and retried with the next one). */
  readonly onError?: (error: unknown) => void;
}

// read_json with declared columns: the table's types never depend on what a batch happens to hold.
const COLUMNS =
  "{request_id: 'VARCHAR', model: 'VARCHAR', version: 'INTEGER', row_index: 'INTEGER', inputs: 'VARCHAR', " +
  "output: 'VARCHAR', prediction: 'DOUBLE', latency_ms: 'DOUBLE', time_ms: 'BIGINT', served: 'BOOLEAN'}";

export class PredictionLog {
  readonly location: string;
  readonly flushRows: number;
  readonly flushIntervalMs: number;
  readonly #maxBuffered: number;
  readonly #onError: (error: unknown) => void;
  #buffer: PredictionRecord[] = [];
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();
  #dropped = 0;
  #committed = 0;

  constructor(location: string, options: PredictionLogOptions = {}) {
    this.location = location;
    this.flushRows = options.flushRows ?? 1000;
    this.flushIntervalMs = options.flushIntervalMs ?? 1000;
    this.#maxBuffered = options.maxBufferedRows ?? 100_000;
    this.#onError = options.onError ?? (() => {});
  }

  /** Rows dropped because commits fell behind. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Rows committed to the table by this log. */
  get committed(): number {
    return this.#committed;
  }

  append(records: readonly PredictionRecord[]): void {
    this.#buffer.push(...records);
    const over = this.#buffer.length - this.#maxBuffered;
    if (over > 0) {
      this.#buffer.splice(0, over);
      this.#dropped += over;
    }
    if (this.#buffer.length >= this.flushRows) void this.flush();
    else if (this.#timer === undefined && this.#buffer.length > 0) {
      this.#timer = setTimeout(() => void this.flush(), this.flushIntervalMs);
      this.#timer.unref();
    }
  }

  /** Commits what is buffered now (after any commit in progress); resolves when it is in the table. */
  flush(): Promise<void> {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = this.#buffer;
    this.#buffer = [];
    this.#flushing = this.#flushing.then(() => this.#commit(batch));
    return this.#flushing;
  }

  async close(): Promise<void> {
    await this.flush();
  }

  async #commit(batch: readonly PredictionRecord[]): Promise<void> {
    if (batch.length === 0) return;
    const file = path.join(tmpdir(), `strata-predictions-${randomUUID()}.jsonl`);
    try {
      await fs.writeFile(file, batch.map((r) => JSON.stringify(rowOf(r))).join('\n'));
      const sql =
        `SELECT request_id, model, version, row_index, inputs, output, prediction, latency_ms, ` +
        `to_timestamp(time_ms / 1000.0) AS predicted_at, served ` +
        `FROM read_json('${file.replaceAll("'", "''")}', format = 'newline_delimited', columns = ${COLUMNS})`;
      // Loaded on first commit: strata/models stays a light entry (no DuckDB until a log commits).
      const { DeltaTable, fromSql } = await import('../../lake/index.js');
      await DeltaTable.appendOrCreate(this.location, fromSql(sql));
      this.#committed += batch.length;
    } catch (error) {
      // Kept for the next commit (bounded by maxBufferedRows): a store outage loses nothing it does not have to.
      this.#buffer.unshift(...batch);
      this.#onError(error);
    } finally {
      await fs.rm(file, { force: true });
    }
  }
}

function rowOf(r: PredictionRecord): Record<string, JsonValue> {
  return {
    request_id: r.requestId,
    model: r.model,
    version: r.version,
    row_index: r.row,
    inputs: JSON.stringify(r.inputs),
    output: JSON.stringify(r.output),
    prediction: typeof r.output === 'number' ? r.output : null,
    latency_ms: r.latencyMs,
    time_ms: r.time,
    served: r.served ?? true,
  };
}
