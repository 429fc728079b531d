/**
 * The orchestrator over one warehouse: its metadata database, wake-ups (LISTEN/NOTIFY
 * on a PostgreSQL server, in-process on the embedded database), plans, and the
 * operations the CLI and API call. Roles (scheduler, worker) are started from it;
 * `strata up` starts both in one process, `strata scheduler` / `strata worker` one each.
 */
import * as path from 'node:path';
import { Catalog, serverUrl, type CatalogOptions } from '../catalog/index.js';
import { latestVersion } from '../lake/index.js';
import type { TableVersionLookup } from './execution/asset-events.js';
import { backfill, type BackfillOptions, type BackfillPlan } from './scheduling/backfill.js';
import type { JsonValue } from './definition/flow-definition.js';
import type { FlowTables } from './flow-tables.js';
import { FLOW_MIGRATIONS } from './migrations/flow-migrations.js';
import { LocalNotifier, PostgresNotifier } from './queue/notifier.js';
import { PlanCache, type QueueContext } from './queue/queue-context.js';
import { createRun, type CreatedRun } from './queue/run-creation.js';
import { flowNotFound, setPaused, setPool } from './queue/flow-registration.js';
import { Scheduler, type SchedulerOptions } from './scheduling/scheduler.js';
import { Worker, type WorkerOptions } from './execution/worker.js';
import { randomUUID } from 'node:crypto';
import type { PolicyOptions } from './scheduling/priority-policy.js';
import { DurationModels } from './prediction/duration-models.js';

export interface FlowSystemOptions extends CatalogOptions {
  /** The flows/ folder; default `<warehouse>/flows`. */
  readonly flowsDirectory?: string;
  /** The claim order: the prediction-driven policy (default) or FIFO (by user priority, then id). */
  readonly policy?: PolicyOptions;
}

export class FlowSystem implements AsyncDisposable {
  readonly #roles: { close(): Promise<void> }[] = [];
  /** Learned duration models per flow, for ETAs and OVERDUE flags (retrained as attempts accumulate). */
  readonly durations = new DurationModels();

  private constructor(
    readonly catalog: Catalog,
    readonly queue: QueueContext,
    readonly flowsDirectory: string,
  ) {}

  static async open(options: FlowSystemOptions = {}): Promise<FlowSystem> {
    const catalog = await Catalog.open({ ...options, migrations: [FLOW_MIGRATIONS, ...(options.migrations ?? [])] });
    const url = catalog.meta.kind === 'server' ? serverUrl(options) : undefined;
    const notifier = url === undefined ? new LocalNotifier() : new PostgresNotifier(url);
    const queue: QueueContext = {
      meta: catalog.meta.withTables<FlowTables>(),
      plans: new PlanCache(),
      notifier,
      ...(options.policy === undefined ? {} : { policy: options.policy }),
    };
    return new FlowSystem(
      catalog,
      queue,
      path.resolve(options.flowsDirectory ?? path.join(catalog.warehouse.directory, 'flows')),
    );
  }

  get warehouse(): string {
    return this.catalog.warehouse.directory;
  }

  /**
   * The current version of a lake table by catalog name (for table schedules and asset
   * lineage): a listing of the log after the last version seen, not a snapshot load.
   */
  readonly tableVersion: TableVersionLookup = async (name) => {
    const table = await this.catalog.findTable(name);
    return table === undefined ? undefined : latestVersion(table.location);
  };

  async startScheduler(options: Partial<SchedulerOptions> = {}): Promise<Scheduler> {
    const scheduler = new Scheduler(this.queue, {
      flowsDirectory: this.flowsDirectory,
      tableVersion: this.tableVersion,
      ...options,
    });
    this.#roles.push(scheduler);
    await scheduler.start();
    return scheduler;
  }

  async startWorker(options: WorkerOptions): Promise<Worker> {
    const tableLocation = async (name: string) => (await this.catalog.getTable(name)).location;
    const worker = new Worker(this.queue, {
      warehouse: this.warehouse,
      tableVersion: this.tableVersion,
      tableLocation,
      ...options,
    });
    this.#roles.push(worker);
    await worker.start();
    return worker;
  }

  /** Creates a manual run (started at once when the flow has a free run slot). */
  async trigger(
    flowId: string,
    params: Readonly<Record<string, JsonValue>> = {},
    options: { runKey?: string; triggeredBy?: string } = {},
  ): Promise<CreatedRun> {
    return createRun(this.queue, {
      flowId,
      runKey: options.runKey ?? `manual:${new Date().toISOString()}:${randomUUID().slice(0, 8)}`,
      kind: 'manual',
      params,
      triggeredBy: options.triggeredBy ?? 'manual',
    });
  }

  backfill(flowId: string, options: BackfillOptions): Promise<BackfillPlan> {
    return backfill(this.queue, flowId, options);
  }

  async pause(flowId: string, paused = true): Promise<void> {
    if (!(await setPaused(this.queue, flowId, paused))) throw await flowNotFound(this.queue.meta.db, flowId);
  }

  setPool(name: string, slots: number, description?: string): Promise<void> {
    return setPool(this.queue, name, slots, description);
  }

  /** Stops the roles started here (workers finish running attempts first), then closes the database. */
  async close(): Promise<void> {
    for (const role of this.#roles.splice(0).reverse()) await role.close();
    await this.queue.notifier.close();
    await this.catalog.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
