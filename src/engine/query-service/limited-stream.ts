/**
 * A bound query's result read chunk by chunk under the request's limits: at most
 * `maxRows` rows (then `truncated`, and DuckDB is asked for nothing more), and an
 * interrupt once `timeoutMs` have passed since the query started (binding included),
 * which surfaces as QueryTimeoutError (or at a cancel: QueryCancelledError). Closing, finishing the loop or breaking out of
 * it releases the views and closes the connection, exactly once.
 */
import {
  JsonDuckDBValueConverter,
  type DuckDBConnection,
  type DuckDBDataChunk,
  type DuckDBResult,
} from '@duckdb/node-api';
import { limitFailure } from '../sandbox/query-limits.js';
import { sqlError, type BoundSql } from '../sql/delta-scan-sql.js';
import type { SqlColumn, SqlValue } from '../sql/sql-results.js';
import { WIDE_INTEGERS, narrowWideIntegers } from '../../lake/index.js';
import { QueryCancelledError, QueryTimeoutError } from './query-service-errors.js';
import type { TableRead } from '../query/table-reads.js';
import type { QueryStream } from './query-service.js';
import { valueTooLarge, type ResultMeter } from './result-limits.js';

type Rows = readonly (readonly SqlValue[])[];

/**
 * The time limit of one query: interrupts its connection when it runs out, or as soon
 * as `signal` aborts (a cancel by its owner, or its client gone).
 */
export class QueryDeadline {
  private expired = false;
  private cancelled = false;
  private readonly timer: NodeJS.Timeout;
  private readonly onAbort = (): void => {
    this.cancelled = true;
    this.connection.interrupt();
  };

  constructor(
    private readonly connection: DuckDBConnection,
    readonly timeoutMs: number,
    private readonly signal?: AbortSignal,
  ) {
    this.timer = setTimeout(() => {
      this.expired = true;
      connection.interrupt();
    }, timeoutMs);
    // A pending deadline must not keep the process alive.
    this.timer.unref();
    if (signal?.aborted === true) this.cancelled = true;
    else signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /** The error to raise for a failure: the cancel or the timeout when they caused it. */
  failure(error: unknown, bound?: Pick<BoundSql, 'tables'>): unknown {
    if (this.cancelled)
      return new QueryCancelledError('The query was cancelled before it finished; run it again to see its result.');
    if (this.expired)
      return new QueryTimeoutError(
        `The query ran longer than its limit of ${this.timeoutMs} ms and was stopped. Narrow it (filters, LIMIT) or ask for a longer timeout.`,
        { timeoutMs: this.timeoutMs },
      );
    // A query stopped by a resource limit says which (query-limits.ts), not just DuckDB's words.
    return limitFailure(error) ?? (bound ? sqlError(error, bound) : error);
  }

  /** Throws the timeout error once the deadline has passed. */
  check(): void {
    if (this.expired || this.cancelled) throw this.failure(undefined);
  }

  clear(): void {
    clearTimeout(this.timer);
    this.signal?.removeEventListener('abort', this.onAbort);
  }
}

export class LimitedStream implements QueryStream {
  private limitHit = false;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly connection: DuckDBConnection,
    private readonly bound: BoundSql,
    private readonly result: DuckDBResult,
    private readonly deadline: QueryDeadline,
    private readonly maxRows: number,
    private readonly meter: ResultMeter,
    private readonly maxValueBytes: number,
    readonly columns: readonly SqlColumn[],
    readonly tables: readonly TableRead[],
  ) {}

  /** Starts the bound query; on failure everything is released and the typed error thrown. */
  static async start(
    connection: DuckDBConnection,
    bound: BoundSql,
    deadline: QueryDeadline,
    maxRows: number,
    tables: readonly TableRead[],
    meter: ResultMeter,
    maxValueBytes: number,
  ): Promise<LimitedStream> {
    try {
      deadline.check();
      const result = await connection.stream(bound.sql);
      const columns = result.columnNames().map((name, i) => ({ name, type: result.columnType(i).toString() }));
      return new LimitedStream(connection, bound, result, deadline, maxRows, meter, maxValueBytes, columns, tables);
    } catch (error) {
      const failure = deadline.failure(error, bound);
      meter.release();
      await release(connection, bound, deadline);
      throw failure;
    }
  }

  /** True once the stream stopped at the row limit with more rows left. */
  get truncated(): boolean {
    return this.limitHit;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Rows> {
    let sent = 0;
    try {
      for (let chunk = await this.fetch(); chunk; chunk = await this.fetch()) {
        const room = this.maxRows - sent;
        const rows = convert(chunk, this.result, room, this.maxValueBytes);
        this.meter.measure(rows);
        sent += rows.length;
        if (chunk.rowCount > room) this.limitHit = true;
        if (rows.length > 0) yield rows;
        if (this.limitHit) return;
        if (sent >= this.maxRows) {
          // Exactly at the limit: one more chunk tells whether rows were cut.
          this.limitHit = (await this.fetch()) !== undefined;
          return;
        }
      }
    } finally {
      await this.close();
    }
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      // A client gone mid-fetch: stop DuckDB before closing the connection under it.
      if (this.pending) {
        this.connection.interrupt();
        await this.pending.catch(() => undefined);
      }
      this.meter.release();
      await release(this.connection, this.bound, this.deadline);
    })();
    return this.closing;
  }

  private pending: Promise<DuckDBDataChunk | null> | undefined;

  private async fetch(): Promise<DuckDBDataChunk | undefined> {
    if (this.closing) return undefined;
    try {
      this.deadline.check();
      this.pending = this.result.fetchChunk();
      const chunk = await this.pending;
      return chunk && chunk.rowCount > 0 ? chunk : undefined;
    } catch (error) {
      throw this.deadline.failure(error, this.bound);
    } finally {
      this.pending = undefined;
    }
  }
}

async function release(connection: DuckDBConnection, bound: BoundSql, deadline: QueryDeadline): Promise<void> {
  deadline.clear();
  // The views and temp tables die with the connection anyway; release() also removes
  // staged copies of remote files, and its failure must not hide the query's own.
  await bound.release().catch(() => undefined);
  connection.closeSync();
}

function convert(chunk: DuckDBDataChunk, result: DuckDBResult, limit: number, maxValueBytes: number): SqlValue[][] {
  let converted: SqlValue[][];
  try {
    converted = chunk.convertRows(JsonDuckDBValueConverter) as SqlValue[][];
  } catch (error) {
    // A value longer than a JavaScript string can be (about 512 MiB) fails to decode at all.
    if (error instanceof RangeError && /string length|string longer/i.test(error.message))
      throw valueTooLarge(undefined, maxValueBytes);
    throw error;
  }
  const rows = converted.slice(0, Math.max(0, limit));
  return narrowWideIntegers(
    rows,
    result.columnTypes().flatMap((type, i) => (WIDE_INTEGERS.has(type.typeId) ? [i] : [])),
  );
}
