/**
 * A worker: claims task instances from the queue and runs them on its executor.
 *
 *   - Claims in batches up to `prefetch` held tasks (running + waiting locally), woken
 *     by notifications, polling slowly as a safety net.
 *   - Completions are batched: results that arrive while a batch is being written go
 *     into the next one, so a busy worker writes one transaction per batch and an idle
 *     one reports each result at once (what keeps a dependency hop to milliseconds).
 *   - Heartbeats renew its leases; if it dies, the scheduler retries its tasks once
 *     the leases expire, and its late reports are refused (fencing).
 *   - close(): stops claiming, lets running attempts finish (up to a grace period),
 *     hands back tasks it had claimed but not started.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { createLogger, type Logger } from '../../core/index.js';
import type { AttemptUsage, Executor, TaskHost, TaskOutcome } from './executor.js';
import { claimTasks, type ClaimedTask } from '../queue/claims.js';
import { completeAttempts, type AttemptResult } from '../queue/completions.js';
import { heartbeat } from '../queue/maintenance.js';
import { isFinished, TaskState } from '../queue/task-states.js';
import type { QueueContext } from '../queue/queue-context.js';
import { recordAssetEvents, type TableVersionLookup } from './asset-events.js';
import { workerHost, writeTaskLogs, type LogLine } from './worker-host.js';

export interface WorkerOptions {
  readonly executor: Executor;
  readonly id?: string;
  /** How long a claim is valid without a heartbeat (default 30 s). */
  readonly leaseMs?: number;
  /** Most tasks held at once, running or waiting locally (default 4 × executor slots). */
  readonly prefetch?: number;
  /** Safety-net poll when no notification comes (default 1 s). */
  readonly pollMs?: number;
  readonly warehouse?: string;
  /** Resolves catalog table names to locations for ctx.tableLocation. */
  readonly tableLocation?: (name: string) => Promise<string>;
  /** Resolves lake table versions for asset lineage (tasks' reads/writes). */
  readonly tableVersion?: TableVersionLookup;
  /** Where the worker logs (default: JSON lines on stderr); onError, when given, takes error records instead. */
  readonly logger?: Logger;
  readonly onError?: (error: Error) => void;
}

export class Worker {
  readonly id: string;
  readonly #ctx: QueueContext;
  readonly #options: WorkerOptions;
  readonly #leaseMs: number;
  readonly #prefetch: number;
  readonly #waiting: ClaimedTask[] = [];
  /** By attempt (instance id and lease token): a lost attempt and its retry may both run here. */
  readonly #running = new Map<string, ClaimedTask>();
  readonly #host: TaskHost;
  /** Usage reported by running attempts, until their results are gathered. */
  readonly #usage = new Map<string, AttemptUsage>();
  /** Attempts stopped because the queue no longer has them running here (cancelled, marked): no result to report. */
  readonly #cancelled = new Set<string>();
  #checking = false;
  #results: AttemptResult[] = [];
  #logs: LogLine[] = [];
  #claiming = false;
  #claimAgain = false;
  #flushing: Promise<void> | undefined;
  #closed = false;
  #timers: NodeJS.Timeout[] = [];
  #unlisten: (() => Promise<void>) | undefined;
  /** Attempts this worker ran and the queue accepted / refused (fencing). */
  readonly stats = { completed: 0, rejected: 0 };
  readonly #log: Logger;

  constructor(ctx: QueueContext, options: WorkerOptions) {
    this.#ctx = ctx;
    this.#options = options;
    this.id = options.id ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.#leaseMs = options.leaseMs ?? 30_000;
    this.#prefetch = options.prefetch ?? options.executor.slots * 4;
    this.#host = {
      ...workerHost(ctx, (line) => this.#logs.push(line), options.tableLocation),
      usage: (attempt, usage) => this.#usage.set(`${attempt.taskInstanceId}:${attempt.leaseToken}`, usage),
    };
    this.#log = (options.logger ?? createLogger()).child({ role: 'worker', worker: this.id });
  }

  async start(): Promise<void> {
    await this.#ctx.meta.db
      .insertInto('flow_workers')
      .values({
        id: this.id,
        hostname: hostname(),
        pid: process.pid,
        executor: this.#options.executor.kind,
        slots: this.#options.executor.slots,
      })
      .onConflict((oc) => oc.column('id').doUpdateSet({ heartbeat_at: new Date(), stopped_at: null }))
      .execute();
    this.#unlisten = await this.#ctx.notifier.listen(() => this.#claim());
    this.#timers.push(
      setInterval(() => {
        this.#claim();
        void this.#stopCancelled();
      }, this.#options.pollMs ?? 1_000),
    );
    this.#timers.push(setInterval(() => void this.#beat(), Math.max(50, Math.floor(this.#leaseMs / 3))));
    this.#timers.push(setInterval(() => void this.#flush(), 500));
    this.#claim();
  }

  /** Held tasks: running now, and claimed but waiting for a slot. */
  get held(): number {
    return this.#running.size + this.#waiting.length;
  }

  #claim(): void {
    if (this.#closed) return;
    if (this.#claiming) {
      this.#claimAgain = true;
      return;
    }
    const room = this.#prefetch - this.held;
    if (room <= 0) return;
    this.#claiming = true;
    this.#claimAgain = false;
    claimTasks(this.#ctx, this.id, room, this.#leaseMs, this.#options.warehouse)
      .then((claimed) => {
        this.#waiting.push(...claimed);
        this.#dispatch();
        // A full batch means more may be waiting.
        if (claimed.length === room) this.#claimAgain = true;
      })
      .catch((error: unknown) => this.#report(error))
      .finally(() => {
        this.#claiming = false;
        if (this.#claimAgain) this.#claim();
      });
  }

  #dispatch(): void {
    while (!this.#closed && this.#running.size < this.#options.executor.slots && this.#waiting.length > 0) {
      const task = this.#waiting.shift()!;
      this.#running.set(attemptKey(task), task);
      void this.#run(task);
    }
  }

  async #run(claimed: ClaimedTask): Promise<void> {
    const startedAt = new Date();
    let outcome: TaskOutcome;
    try {
      outcome = await this.#options.executor.run(claimed.request, this.#host);
    } catch (error) {
      // Executors report task failures as outcomes; a throw is the executor's own failure.
      const e = error instanceof Error ? error : new Error(String(error));
      outcome = {
        kind: 'failed',
        failure: {
          reason: 'lost',
          name: e.name,
          message: `the ${this.#options.executor.kind} executor failed: ${e.message}`,
        },
      };
    }
    const endedAt = new Date();
    const usage = this.#usage.get(attemptKey(claimed));
    this.#usage.delete(attemptKey(claimed));
    if (this.#cancelled.delete(attemptKey(claimed))) {
      this.#running.delete(attemptKey(claimed));
      this.#dispatch();
      return;
    }
    if (outcome.kind === 'success') await this.#recordAssets(claimed);
    this.#running.delete(attemptKey(claimed));
    this.#results.push({ claimed, outcome, startedAt, endedAt, workerId: this.id, ...(usage ? { usage } : {}) });
    this.#dispatch();
    void this.#flush();
  }

  /** Writes gathered logs and results; one batch in flight at a time. */
  #flush(): Promise<void> {
    if (this.#flushing !== undefined) return this.#flushing;
    if (this.#results.length === 0 && this.#logs.length === 0) return Promise.resolve();
    this.#flushing = (async () => {
      try {
        while (this.#results.length > 0 || this.#logs.length > 0) {
          const logs = this.#logs;
          const results = this.#results;
          this.#logs = [];
          this.#results = [];
          let report;
          try {
            await writeTaskLogs(this.#ctx, logs);
            report = await completeAttempts(this.#ctx, results);
          } catch (error) {
            // Kept for the next flush (the periodic one retries): dropping them would leave
            // their tasks running forever under this worker's renewed leases.
            this.#logs.unshift(...logs);
            this.#results.unshift(...results);
            throw error;
          }
          this.stats.completed += report.accepted;
          this.stats.rejected += report.rejected.length;
          // Fenced: their leases moved on (the tasks were retried elsewhere), so their results were refused.
          if (report.rejected.length > 0)
            this.#log.warn({ rejected: report.rejected.length }, 'attempt results refused');
          this.#log.debug({ accepted: report.accepted, queued: report.queued }, 'attempts completed');
          // Newly queued tasks already woke the claimer (notify); otherwise claim for the freed slots.
          if (report.queued === 0) this.#claim();
        }
      } catch (error) {
        this.#report(error);
      } finally {
        this.#flushing = undefined;
      }
    })();
    return this.#flushing;
  }

  async #recordAssets(claimed: ClaimedTask): Promise<void> {
    try {
      await recordAssetEvents(this.#ctx, claimed, this.#options.tableVersion);
    } catch (error) {
      this.#report(error);
    }
  }

  /**
   * Attempts a user stopped are stopped here: their run was cancelled, or their task
   * instance was marked success/failed while this attempt held it. Checked on every poll,
   * one indexed read. An attempt whose lease merely expired (the queue retries it
   * elsewhere) runs on as before: fencing refuses its report.
   */
  async #stopCancelled(): Promise<void> {
    if (this.#running.size === 0 || this.#checking) return;
    this.#checking = true;
    try {
      const running = [...this.#running.values()];
      const { rows } = await sql<{ id: number; state: string; lease_token: number; reason: string | null }>`
        select id, state, lease_token, error->>'reason' as reason from task_instances
        where id = any(${running.map((t) => t.request.taskInstanceId)}::bigint[])`.execute(this.#ctx.meta.db);
      const byId = new Map(rows.map((r) => [Number(r.id), r]));
      for (const task of running) {
        const key = attemptKey(task);
        const row = byId.get(task.request.taskInstanceId);
        const stopped =
          row === undefined ||
          row.state === TaskState.cancelled ||
          (Number(row.lease_token) === task.request.leaseToken &&
            isFinished(row.state as TaskState) &&
            row.reason !== 'lost');
        if (!stopped || !this.#running.has(key) || this.#cancelled.has(key)) continue;
        this.#cancelled.add(key);
        this.#log.debug({ taskInstanceId: task.request.taskInstanceId }, 'attempt cancelled: stopping it');
        this.#options.executor.cancel?.(task.request);
      }
    } catch (error) {
      this.#report(error);
    } finally {
      this.#checking = false;
    }
  }

  async #beat(): Promise<void> {
    try {
      await heartbeat(this.#ctx, this.id, this.#leaseMs);
    } catch (error) {
      this.#report(error);
    }
  }

  #report(error: unknown): void {
    if (this.#closed && /closed|ended|terminat/i.test(String(error))) return;
    const e = error instanceof Error ? error : new Error(String(error));
    if (this.#options.onError) this.#options.onError(e);
    else this.#log.error({ err: e }, e.message);
  }

  /** Stops claiming, waits for running attempts (up to graceMs), writes their results, hands back unstarted claims. */
  async close(graceMs = 30_000): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const timer of this.#timers) clearInterval(timer);
    // An attempt cancelled just now is stopped, not waited for.
    await this.#stopCancelled();
    await this.#unlisten?.();
    const unstarted = this.#waiting.splice(0);
    if (unstarted.length > 0) {
      await sql`
        update task_instances set state = 'queued', attempt = attempt - 1, lease_owner = null, lease_expires_at = null, started_at = null
        where id = any(${unstarted.map((t) => t.request.taskInstanceId)}::bigint[]) and lease_owner = ${this.id} and state = 'running'`.execute(
        this.#ctx.meta.db,
      );
      await this.#ctx.notifier.notify();
    }
    const deadline = Date.now() + graceMs;
    while (this.#running.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    await this.#options.executor.close(Math.max(0, deadline - Date.now()));
    while (this.#running.size > 0) await new Promise((resolve) => setTimeout(resolve, 20));
    await this.#flush();
    await this.#ctx.meta.db
      .updateTable('flow_workers')
      .set({ stopped_at: new Date() })
      .where('id', '=', this.id)
      .execute();
  }
}

function attemptKey(task: ClaimedTask): string {
  return `${task.request.taskInstanceId}:${task.request.leaseToken}`;
}
