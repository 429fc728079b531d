/**
 * The real queue claims in the scheduling policy's order (queue/claim-order.ts), on both
 * backends, with a real worker holding one task at a time (one executor slot, prefetch
 * 1), so the order tasks start in is the claim order. Without history every task is
 * predicted alike (one second), so ranks are chain lengths and a run's work its task count.
 */
import { afterEach, expect, it } from 'vitest';
import { defineFlow, PolicyKind, type FlowDefinition, type PolicyOptions } from '../../src/flows/index.js';
import { describeBackends } from '../meta/helpers/backends.js';
import { inProcessExecutor, openHarness, type Harness } from './helpers/flow-harness.js';

/** Task ids in the order their attempts started (the tasks run in this process). */
const started: string[] = [];
const PREDICTED: PolicyOptions = { kind: PolicyKind.predicted, agingRate: 1 };
const FIFO: PolicyOptions = { kind: PolicyKind.fifo };

describeBackends('predicted claim order', (backend) => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  /** Starts the worker only once every run is queued, so the first claim sees them all. */
  async function startOrder(flows: FlowDefinition[], policy: PolicyOptions, trigger: string[]): Promise<string[]> {
    started.length = 0;
    const h = (harness = await openHarness(backend, { flows, worker: false, policy }));
    const runs = [];
    for (const flowId of trigger) runs.push(await h.system.trigger(flowId));
    // The scheduler's tick starts the runs (their roots queued) before the worker claims.
    for (;;) {
      const states = await Promise.all(runs.map(async (r) => [...(await h.tasks(r.runId)).values()]));
      if (states.every((tasks) => tasks.some((t) => t.state === 'queued'))) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await h.system.startWorker({ executor: inProcessExecutor(flows, 1), prefetch: 1, pollMs: 50 });
    for (const r of runs) expect((await h.waitForRun(r.runId)).state).toBe('success');
    return [...started];
  }

  const within = defineFlow({ id: 'within' }, (f) => {
    for (const id of ['a1', 'a2', 'a3']) f.task(id, async (ctx) => void started.push(ctx.taskId));
    const b1 = f.task('b1', async (ctx) => void started.push(ctx.taskId));
    const b2 = f.task('b2', { after: [b1] }, async (ctx) => void started.push(ctx.taskId));
    f.task('b3', { after: [b2] }, async (ctx) => void started.push(ctx.taskId));
  });

  it('within a run, starts the longest predicted chain first (b3 then ties with the a tasks, ready earlier); FIFO takes declaration order', async () => {
    expect(await startOrder([within], PREDICTED, ['within'])).toEqual(['b1', 'b2', 'a1', 'a2', 'a3', 'b3']);
    await harness!.close();
    harness = undefined;
    expect(await startOrder([within], FIFO, ['within'])).toEqual(['a1', 'a2', 'a3', 'b1', 'b2', 'b3']);
  });

  const big = defineFlow({ id: 'big' }, (f) => {
    for (let i = 0; i < 8; i++) f.task(`big${i}`, async (ctx) => void started.push(ctx.taskId));
  });
  const small = defineFlow({ id: 'small' }, (f) => {
    f.task('small0', async (ctx) => void started.push(ctx.taskId));
  });
  const urgent = defineFlow({ id: 'urgent' }, (f) => {
    for (let i = 0; i < 8; i++)
      f.task(`urgent${i}`, { priority: i === 7 ? 5 : 0 }, async (ctx) => void started.push(ctx.taskId));
  });

  it('across runs, starts the run with the least predicted work first; a user priority overrides', async () => {
    const order = await startOrder([big, small, urgent], PREDICTED, ['big', 'urgent', 'small']);
    // urgent7 (priority 5) first; then the one-task run, though it arrived last; then big (arrived first), then urgent.
    expect(order).toEqual([
      'urgent7',
      'small0',
      ...[0, 1, 2, 3, 4, 5, 6, 7].map((i) => `big${i}`),
      ...[0, 1, 2, 3, 4, 5, 6].map((i) => `urgent${i}`),
    ]);
  });
});
