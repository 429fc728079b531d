/**
 * Testing a flow on a laptop: `testFlow(flow, { params })` runs one run of it to the
 * end, with the real scheduler, queue and worker, on a throwaway embedded warehouse
 * (or one you pass), and returns every task's state, output, error and log lines.
 * Tasks run in-process, so a test can share state with them and set breakpoints.
 *
 *   const result = await testFlow(dailyOrders, { params: { day: '2026-01-01' } });
 *   expect(result.state).toBe('success');
 *   expect(result.tasks.get('report')?.output).toEqual({ orders: 3 });
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { initWarehouse } from '../../catalog/index.js';
import type { FlowDefinition, JsonValue } from '../definition/flow-definition.js';
import { FlowSystem } from '../flow-system.js';
import { InProcessExecutor } from '../execution/in-process-executor.js';
import { getRun, taskInstancesOfRun, taskLogs } from './status-queries.js';
import type { RunState, TaskState } from '../queue/task-states.js';

export interface TestFlowOptions {
  readonly params?: Readonly<Record<string, JsonValue>>;
  /** Run in this warehouse (its lake tables visible to the tasks); default: a temporary one, deleted afterwards. */
  readonly warehouse?: string;
  /** Give up after this long (default 60 s). */
  readonly timeoutMs?: number;
  /** Tasks run at once (default 4). */
  readonly slots?: number;
}

export interface TestTaskResult {
  readonly state: TaskState;
  readonly attempts: number;
  readonly output: unknown;
  readonly error: unknown;
  readonly logs: readonly string[];
}

export interface TestFlowResult {
  readonly runId: number;
  readonly state: RunState;
  /** By task id; map instances as `task[i]`. */
  readonly tasks: ReadonlyMap<string, TestTaskResult>;
}

export async function testFlow(flow: FlowDefinition, options: TestFlowOptions = {}): Promise<TestFlowResult> {
  const temporary =
    options.warehouse === undefined ? mkdtempSync(path.join(tmpdir(), `strata-test-${flow.id}-`)) : undefined;
  const warehouse = options.warehouse ?? temporary!;
  try {
    if (temporary !== undefined) await initWarehouse(temporary, { env: {} });
    const system = await FlowSystem.open({ warehouse, ...(temporary !== undefined ? { env: {} } : {}) });
    try {
      await system.startScheduler({ flows: [flow], flowsDirectory: undefined, tickMs: 50, schedules: false });
      const executor = new InProcessExecutor({ slots: options.slots ?? 4, resolver: { resolve: async () => flow } });
      await system.startWorker({ executor, pollMs: 100 });
      const { runId } = await system.trigger(flow.id, options.params ?? {}, { triggeredBy: 'test' });
      const db = system.queue.meta.db;
      const deadline = Date.now() + (options.timeoutMs ?? 60_000);
      let run = await getRun(db, runId);
      while (run?.state !== 'success' && run?.state !== 'failed') {
        if (Date.now() > deadline)
          throw new Error(
            `testFlow: run ${runId} of "${flow.id}" did not finish within ${options.timeoutMs ?? 60_000} ms (state ${run?.state})`,
          );
        await new Promise((resolve) => setTimeout(resolve, 10));
        run = await getRun(db, runId);
      }
      const tasks = new Map<string, TestTaskResult>();
      for (const instance of await taskInstancesOfRun(db, runId, { includeMapInstances: true })) {
        const logs = (await taskLogs(db, instance.id)).map((l) => l.line);
        const key = instance.mapIndex >= 0 ? `${instance.taskId}[${instance.mapIndex}]` : instance.taskId;
        tasks.set(key, {
          state: instance.state,
          attempts: instance.attempt,
          output: instance.output,
          error: instance.error,
          logs,
        });
      }
      return { runId, state: run.state, tasks };
    } finally {
      await system.close();
    }
  } finally {
    if (temporary !== undefined) rmSync(temporary, { recursive: true, force: true });
  }
}
