/**
 * The scheduler: keeps flow definitions registered (reloading flows/ when files
 * change) and, every tick, creates runs from schedules, starts queued runs within
 * their limits, retries tasks whose worker was lost (expired leases), re-queues due
 * retries and deferred tasks, and applies retention. Every step is safe to run from
 * two schedulers at once (see the queue modules), so a standby scheduler needs no
 * leader election. A crash loses nothing: all state is in the database.
 */
import { createLogger, type Logger } from '../../core/index.js';
import type { FlowDefinition } from '../definition/flow-definition.js';
import { loadFlowDirectory } from '../definition/flow-loader.js';
import type { TableVersionLookup } from '../execution/asset-events.js';
import { registerFlow } from '../queue/flow-registration.js';
import { deleteOldRuns, promoteDueTasks, reapExpiredLeases } from '../queue/maintenance.js';
import type { QueueContext } from '../queue/queue-context.js';
import { startWaitingRuns } from '../queue/run-creation.js';
import { evaluateSchedules } from './schedule-evaluation.js';

export interface SchedulerOptions {
  /** A flows/ folder to load and reload definitions from. */
  readonly flowsDirectory?: string;
  /** Definitions given directly (tests, embedded use). */
  readonly flows?: readonly FlowDefinition[];
  /** Time between ticks (default 1 s). */
  readonly tickMs?: number;
  /** Time between reloads of flowsDirectory (default 10 s). */
  readonly reloadMs?: number;
  readonly tableVersion?: TableVersionLookup;
  /**
   * Create runs from schedules (default true). Off for a scheduler that only drives
   * runs someone else created (`strata flow run` on an embedded warehouse, testFlow).
   */
  readonly schedules?: boolean;
  /** Finished runs older than this many days are deleted (default: kept). */
  readonly retentionDays?: number;
  /** Where the scheduler logs (default: JSON lines on stderr); onError / onProblem, when given, take those records instead. */
  readonly logger?: Logger;
  readonly onError?: (error: Error) => void;
  /** Problems found loading flows/ (bad definitions); the other flows still run. */
  readonly onProblem?: (problem: Error) => void;
}

export interface TickReport {
  readonly runsCreated: number;
  readonly runsStarted: number;
  readonly leasesReaped: number;
  readonly tasksPromoted: number;
}

export class Scheduler {
  readonly #ctx: QueueContext;
  readonly #options: SchedulerOptions;
  #timer: NodeJS.Timeout | undefined;
  #ticking: Promise<TickReport> | undefined;
  #lastReload = 0;
  #lastRetention = 0;
  #loadedProblems = new Set<string>();
  #closed = false;
  readonly #log: Logger;

  constructor(ctx: QueueContext, options: SchedulerOptions) {
    this.#ctx = ctx;
    this.#options = options;
    this.#log = (options.logger ?? createLogger()).child({ role: 'scheduler' });
  }

  async start(): Promise<void> {
    await this.reload();
    await this.tick();
    this.#timer = setInterval(
      () => void this.tick().catch((error: unknown) => this.#report(error)),
      this.#options.tickMs ?? 1_000,
    );
  }

  /** Loads (again) every definition and registers it. */
  async reload(): Promise<readonly FlowDefinition[]> {
    this.#lastReload = Date.now();
    const flows = [...(this.#options.flows ?? [])];
    if (this.#options.flowsDirectory !== undefined) {
      const loaded = await loadFlowDirectory(this.#options.flowsDirectory);
      flows.push(...loaded.flows.values());
      for (const problem of loaded.problems) {
        // Reported once per distinct problem, not every reload.
        if (this.#loadedProblems.has(problem.message)) continue;
        this.#loadedProblems.add(problem.message);
        if (this.#options.onProblem) this.#options.onProblem(problem);
        // A user's definition problem: its message says what to fix, a stack trace would only bury it.
        else this.#log.warn({ code: problem.code, ...problem.details }, problem.message);
      }
    }
    for (const flow of flows) await registerFlow(this.#ctx, flow);
    return flows;
  }

  /** One round of scheduling work; concurrent calls share the round in progress. */
  tick(now = new Date()): Promise<TickReport> {
    this.#ticking ??= this.#tick(now).finally(() => {
      this.#ticking = undefined;
    });
    return this.#ticking;
  }

  async #tick(now: Date): Promise<TickReport> {
    if (
      this.#options.flowsDirectory !== undefined &&
      Date.now() - this.#lastReload >= (this.#options.reloadMs ?? 10_000)
    )
      await this.reload();
    const leasesReaped = await reapExpiredLeases(this.#ctx);
    const tasksPromoted = await promoteDueTasks(this.#ctx);
    const runsCreated =
      this.#options.schedules === false ? 0 : await evaluateSchedules(this.#ctx, now, this.#options.tableVersion);
    const runsStarted = await startWaitingRuns(this.#ctx);
    if (this.#options.retentionDays !== undefined && Date.now() - this.#lastRetention > 3_600_000) {
      this.#lastRetention = Date.now();
      await deleteOldRuns(this.#ctx, new Date(now.getTime() - this.#options.retentionDays * 86_400_000));
    }
    const report = { runsCreated, runsStarted, leasesReaped, tasksPromoted };
    if (runsCreated + runsStarted + leasesReaped + tasksPromoted > 0) this.#log.debug(report, 'tick');
    return report;
  }

  #report(error: unknown): void {
    if (this.#closed) return;
    const e = error instanceof Error ? error : new Error(String(error));
    if (this.#options.onError) this.#options.onError(e);
    else this.#log.error({ err: e }, e.message);
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    await this.#ticking?.catch(() => undefined);
  }
}
