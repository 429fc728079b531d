/**
 * Strata's own accounting of query results in the server's memory. DuckDB's limits
 * (engine query-limits.ts) bound what a query uses inside DuckDB; once rows are
 * converted to JavaScript values they are the server's, and these bound them: one
 * value (ValueTooLargeError), one query's result (ResultTooLargeError) and all results
 * being built at the same time (ResultMemoryLimitError, 429: retry shortly). Sizes are
 * estimates of the converted values (string length, 8 bytes a number), which is what
 * the server then holds and serializes.
 */
import { ValueTooLargeError } from '../errors.js';
import { ResultMemoryLimitError, ResultTooLargeError } from './query-service-errors.js';

export interface ResultLimits {
  /** One value (string, list, struct) at most. */
  readonly maxValueBytes: number;
  /** One query's result at most. */
  readonly maxResultBytes: number;
  /** Every query's result being held by the server at once, at most. */
  readonly resultMemoryBytes: number;
}

/** The server's results in memory, over all queries. */
export class ResultBudget {
  private used = 0;

  constructor(readonly maxBytes: number) {}

  get usedBytes(): number {
    return this.used;
  }

  take(bytes: number): void {
    if (this.used + bytes > this.maxBytes) {
      throw new ResultMemoryLimitError(
        `The server is holding as many query results as it allows (${mib(this.maxBytes)} MiB over all clients); retry shortly, fetch fewer rows at once, or stream them (Accept: application/x-ndjson).`,
        { limit: 'result_memory', resultMemoryBytes: this.maxBytes },
      );
    }
    this.used += bytes;
  }

  give(bytes: number): void {
    this.used = Math.max(0, this.used - bytes);
  }
}

/**
 * One query's result as it is converted. `retain`: the caller keeps every batch (a
 * buffered result), so all of it stays charged to the budget until release();
 * otherwise a batch is released when the next one is measured (it has been sent).
 */
export class ResultMeter {
  private held = 0;
  private total = 0;

  constructor(
    private readonly budget: ResultBudget,
    private readonly limits: ResultLimits,
    private readonly retain: boolean,
  ) {}

  measure(rows: readonly (readonly unknown[])[]): void {
    if (!this.retain) this.release();
    let bytes = 0;
    for (const row of rows)
      for (const value of row) {
        const size = valueBytes(value);
        if (size > this.limits.maxValueBytes) throw valueTooLarge(size, this.limits.maxValueBytes);
        bytes += size;
      }
    this.total += bytes;
    if (this.total > this.limits.maxResultBytes) {
      throw new ResultTooLargeError(
        `The result is larger than one result may be (${mib(this.limits.maxResultBytes)} MiB). Select fewer rows or columns, lower max_rows, or ask the operator to raise --max-result-mb.`,
        { limit: 'result', maxResultBytes: this.limits.maxResultBytes },
      );
    }
    this.budget.take(bytes);
    this.held += bytes;
  }

  release(): void {
    this.budget.give(this.held);
    this.held = 0;
  }
}

export function valueTooLarge(size: number | undefined, maxValueBytes: number): ValueTooLargeError {
  return new ValueTooLargeError(
    `A value in the result is larger than one value may be (${mib(maxValueBytes)} MiB${size === undefined ? '' : `; it has about ${size} bytes`}). Select a part of it (substring, slices) or ask the operator to raise --max-value-mb.`,
    { limit: 'value', maxValueBytes, ...(size === undefined ? {} : { size }) },
  );
}

/** The estimated size of a converted value. */
export function valueBytes(value: unknown): number {
  if (value === null || value === undefined) return 1;
  if (typeof value === 'string') return value.length;
  if (typeof value !== 'object') return 8;
  let size = 2;
  for (const item of Array.isArray(value) ? value : Object.values(value as object)) size += valueBytes(item) + 1;
  return size;
}

function mib(bytes: number): string {
  return (bytes / (1024 * 1024)).toLocaleString('en-US', { maximumFractionDigits: 1 });
}
