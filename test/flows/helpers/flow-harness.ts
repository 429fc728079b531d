/**
 * A warehouse with the orchestrator on one backend (PGlite or PostgreSQL), flows
 * given as definitions, an in-process executor, and helpers to wait for runs.
 */
import { initWarehouse } from '../../../src/catalog/index.js';
import {
  FlowSystem,
  InProcessExecutor,
  getRun,
  taskInstancesOfRun,
  type FlowDefinition,
  type RunSummary,
  type Scheduler,
  type TaskInstanceSummary,
  type Worker,
  type Executor,
  type PolicyOptions,
} from '../../../src/flows/index.js';
import type { BackendSetup, TestBackend } from '../../meta/helpers/backends.js';

export interface Harness {
  readonly setup: BackendSetup;
  readonly system: FlowSystem;
  readonly scheduler: Scheduler;
  readonly worker: Worker | undefined;
  waitForRun(runId: number, timeoutMs?: number): Promise<RunSummary>;
  tasks(runId: number, includeMapInstances?: boolean): Promise<Map<string, TaskInstanceSummary>>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  readonly flows: readonly FlowDefinition[];
  readonly executor?: Executor;
  readonly worker?: boolean;
  readonly tickMs?: number;
  readonly leaseMs?: number;
  readonly policy?: PolicyOptions;
  readonly prefetch?: number;
}

export function inProcessExecutor(flows: readonly FlowDefinition[], slots = 4): InProcessExecutor {
  const byId = new Map(flows.map((f) => [f.id, f]));
  return new InProcessExecutor({
    slots,
    resolver: { resolve: async (flowId) => byId.get(flowId) ?? Promise.reject(new Error(`no flow ${flowId}`)) },
  });
}

export async function openHarness(backend: TestBackend, options: HarnessOptions): Promise<Harness> {
  const setup = await backend.create();
  await initWarehouse(setup.warehouse, { env: setup.env });
  const system = await FlowSystem.open({
    warehouse: setup.warehouse,
    env: setup.env,
    ...(options.policy === undefined ? {} : { policy: options.policy }),
  });
  const scheduler = await system.startScheduler({
    flows: options.flows,
    tickMs: options.tickMs ?? 50,
    flowsDirectory: undefined,
  });
  const worker =
    options.worker === false
      ? undefined
      : await system.startWorker({
          executor: options.executor ?? inProcessExecutor(options.flows),
          pollMs: 100,
          leaseMs: options.leaseMs ?? 30_000,
          ...(options.prefetch === undefined ? {} : { prefetch: options.prefetch }),
        });
  return {
    setup,
    system,
    scheduler,
    worker,
    async waitForRun(runId, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const run = await getRun(system.queue.meta.db, runId);
        if (run !== undefined && (run.state === 'success' || run.state === 'failed')) return run;
        if (Date.now() > deadline)
          throw new Error(
            `run ${runId} did not finish: ${JSON.stringify(run)} ${JSON.stringify(await taskInstancesOfRun(system.queue.meta.db, runId))}`,
          );
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async tasks(runId, includeMapInstances = false) {
      const rows = await taskInstancesOfRun(system.queue.meta.db, runId, { includeMapInstances });
      return new Map(rows.map((r) => [r.mapIndex >= 0 ? `${r.taskId}[${r.mapIndex}]` : r.taskId, r]));
    },
    async close() {
      await system.close();
      await setup.dispose();
    },
  };
}
