/**
 * Runs attempts in the worker's own process: no isolation (a task that exits or
 * crashes takes the worker with it, a sync loop blocks it), so it suits tests and
 * flows defined in code. Console output is not captured: it is shared by every
 * attempt running at once, so it cannot be attributed to one.
 */
import type { Executor, TaskHost, TaskOutcome, TaskRequest, FlowResolver } from './executor.js';
import { failed, failureFromThrown, runTaskAttempt } from './task-runner.js';

export interface InProcessExecutorOptions {
  /** Attempts running at once (default 8); further calls to run() wait for a slot. */
  readonly slots?: number;
  readonly resolver: FlowResolver;
}

export class InProcessExecutor implements Executor {
  readonly kind = 'in-process';
  readonly slots: number;
  readonly #resolver: FlowResolver;
  // Slots are handed from a finishing attempt straight to the next waiter (false: closed).
  readonly #waiting: ((granted: boolean) => void)[] = [];
  readonly #running = new Set<Promise<TaskOutcome>>();
  // Aborted after close()'s grace period: running attempts end as 'lost'.
  readonly #shutdown = new AbortController();
  #busy = 0;
  #closed = false;

  constructor(options: InProcessExecutorOptions) {
    this.slots = Math.max(1, options.slots ?? 8);
    this.#resolver = options.resolver;
  }

  async run(request: TaskRequest, host: TaskHost): Promise<TaskOutcome> {
    if (this.#closed) return closedOutcome();
    if (this.#busy < this.slots) this.#busy++;
    else if (!(await new Promise<boolean>((resolve) => this.#waiting.push(resolve)))) return closedOutcome();
    const running = this.#attempt(request, host);
    this.#running.add(running);
    try {
      return await running;
    } finally {
      this.#running.delete(running);
      const next = this.#waiting.shift();
      if (next !== undefined) next(true);
      else this.#busy--;
    }
  }

  async #attempt(request: TaskRequest, host: TaskHost): Promise<TaskOutcome> {
    let flow;
    try {
      flow = await this.#resolver.resolve(request.flowId, request.sourceFile);
    } catch (error) {
      return failed(failureFromThrown(error));
    }
    return runTaskAttempt(flow, request, {
      log: (line, stream) => host.log(request, line, stream),
      loadCheckpoint: () => host.loadCheckpoint(request),
      saveCheckpoint: (value) => host.saveCheckpoint(request, value),
      tableLocation: (name) => host.tableLocation(request, name),
      signal: this.#shutdown.signal,
    });
  }

  async close(graceMs = 30_000): Promise<void> {
    this.#closed = true;
    for (const wake of this.#waiting.splice(0)) wake(false);
    if (this.#running.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
    await Promise.race([Promise.allSettled([...this.#running]), grace]);
    clearTimeout(timer);
    this.#shutdown.abort(new Error('the executor was closed'));
    await Promise.allSettled([...this.#running]);
  }
}

export function closedOutcome(): TaskOutcome {
  return failed({
    reason: 'lost',
    name: 'ExecutorClosed',
    message:
      'the executor was closed before the attempt started (the worker is shutting down); the attempt was not run',
  });
}
