/**
 * DuckDB's `memory_limit` is one pool for all queries of an instance, so a modest
 * query can fail for memory that its neighbours hold (a hostile aggregate, a large
 * join). Such a failure says nothing about the query itself. A query that ran out of
 * memory while others ran is therefore tried once more, alone: retries go one at a
 * time, each after the queries running at that moment have finished (or after
 * `maxWaitMs`, so a long stream cannot hold a retry back for ever). A query that fails
 * again alone truly needs more than the server allows, and its error now says so.
 *
 * New queries are never held back by a waiting retry: the retry is best effort for
 * the unlucky query, not a lock on the server.
 */
import { QueryMemoryLimitError } from '../errors.js';
import { limitFailure } from '../sandbox/query-limits.js';

export class MemoryContention {
  private running = 0;
  private started = 0;
  private waiters: (() => void)[] = [];
  private retries: Promise<unknown> = Promise.resolve();

  constructor(private readonly maxWaitMs: number) {}

  /** Runs `attempt`; when it fails for memory with other queries about, runs it again alone (once). */
  async run<T>(attempt: () => Promise<T>): Promise<T> {
    try {
      return await this.tracked(attempt);
    } catch (error) {
      if (!(error instanceof Crowded)) throw error;
    }
    const retry = this.retries.then(async () => {
      await this.quiet();
      return (await this.tracked(attempt).catch((error: unknown) => {
        throw error instanceof Crowded ? error.error : error;
      })) as T;
    });
    this.retries = retry.catch(() => undefined);
    return retry;
  }

  /** Runs `attempt` counted as running; a memory failure while others ran becomes Crowded. */
  private async tracked<T>(attempt: () => Promise<T>): Promise<T> {
    const startedBefore = this.started++;
    const crowdedAtStart = this.running > 0;
    this.running++;
    try {
      return await attempt();
    } catch (error) {
      const crowded = crowdedAtStart || this.started !== startedBefore + 1;
      throw crowded && isMemoryFailure(error) ? new Crowded(error) : error;
    } finally {
      this.running--;
      if (this.running === 0) for (const wake of this.waiters.splice(0)) wake();
    }
  }

  /** Resolves once no first attempt runs, or after maxWaitMs. */
  private quiet(): Promise<void> {
    if (this.running === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.maxWaitMs);
      timer.unref();
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.waiters.push(done);
    });
  }
}

/** A memory failure that other queries may have caused (internal to MemoryContention). */
class Crowded {
  constructor(readonly error: unknown) {}
}

function isMemoryFailure(error: unknown): boolean {
  return error instanceof QueryMemoryLimitError || limitFailure(error) instanceof QueryMemoryLimitError;
}
