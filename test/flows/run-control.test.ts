/**
 * Runs a user manages: cancel (a running attempt is stopped by its worker), mark a run
 * or a task success/failed, clear failed tasks and their downstream, and run ids that
 * stay consecutive when a run key is created twice; failed attempts keep their errors.
 */
import { afterEach, expect, it } from 'vitest';
import {
  cancelRun,
  clearTasks,
  defineFlow,
  getRun,
  LocalFlowControl,
  markRun,
  markTask,
  type FlowDefinition,
} from '../../src/flows/index.js';
import { describeBackends } from '../meta/helpers/backends.js';
import { openHarness, type Harness } from './helpers/flow-harness.js';

describeBackends('run control', (backend) => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });
  const open = async (flows: FlowDefinition[], worker = true) =>
    (harness = await openHarness(backend, { flows, worker }));

  const waitFor = async (check: () => Promise<boolean>, what: string) => {
    const deadline = Date.now() + 20_000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`never: ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  it('cancels a running run: the run and its unfinished tasks end cancelled, the attempt is recorded', async () => {
    let release: () => void = () => {};
    const blocked = new Promise<void>((resolve) => (release = resolve));
    let started = false;
    let downstreamRan = false;
    const flow = defineFlow({ id: 'slow' }, (f) => {
      const wait = f.task('wait', async () => {
        started = true;
        await blocked;
        return 1;
      });
      f.task('after', { after: [wait] }, async () => {
        downstreamRan = true;
      });
    });
    const h = await open([flow]);
    const run = await h.system.trigger('slow');
    await waitFor(async () => started, 'the task started');
    await cancelRun(h.system.queue, run.runId, 'tester');
    const ended = await getRun(h.system.queue.meta.db, run.runId);
    expect(ended?.state).toBe('cancelled');
    const tasks = await h.tasks(run.runId);
    expect(tasks.get('wait')?.state).toBe('cancelled');
    expect(tasks.get('after')?.state).toBe('cancelled');
    const attempts = await h.system.queue.meta.db
      .selectFrom('task_attempts')
      .select(['outcome', 'error'])
      .where('run_id', '=', run.runId)
      .execute();
    expect(attempts).toEqual([
      { outcome: 'cancelled', error: expect.objectContaining({ reason: 'cancelled', message: 'cancelled by tester' }) },
    ]);
    // The in-process attempt ends later: its result is dropped, nothing downstream runs.
    release();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await h.tasks(run.runId)).get('wait')?.state).toBe('cancelled');
    expect(downstreamRan).toBe(false);
    await expect(cancelRun(h.system.queue, run.runId, 'tester')).rejects.toThrow(/FLOW_RUN_STATE.*cancelled/);
  });

  it('clears the failed task and its downstream, keeping what succeeded, and the run succeeds', async () => {
    let calls = 0;
    const flow = defineFlow({ id: 'flaky' }, (f) => {
      const first = f.task('first', async () => 'ok');
      const shaky = f.task('shaky', { after: [first] }, async () => {
        calls++;
        if (calls === 1) throw new Error('not yet');
        return 2;
      });
      f.task('last', { after: [shaky] }, async () => 3);
      f.task('side', { after: [first] }, async () => 4);
    });
    const h = await open([flow]);
    const run = await h.system.trigger('flaky');
    expect((await h.waitForRun(run.runId)).state).toBe('failed');
    expect((await h.tasks(run.runId)).get('last')?.state).toBe('upstream_failed');
    const cleared = await clearTasks(h.system.queue, run.runId, undefined, 'tester');
    expect(cleared).toEqual(['shaky', 'last']);
    expect((await h.waitForRun(run.runId)).state).toBe('success');
    const tasks = await h.tasks(run.runId);
    expect([...tasks.values()].map((t) => [t.taskId, t.state, t.attempt])).toEqual([
      ['first', 'success', 1],
      ['shaky', 'success', 1],
      ['last', 'success', 1],
      ['side', 'success', 1],
    ]);
    await expect(clearTasks(h.system.queue, run.runId, undefined, 'tester')).rejects.toThrow(/--task/);
    expect(await clearTasks(h.system.queue, run.runId, 'shaky', 'tester')).toEqual(['shaky', 'last']);
    expect((await h.waitForRun(run.runId)).state).toBe('success');
    expect(calls).toBe(3);
  });

  it('marks a waiting task success so its downstream runs, and a run failed', async () => {
    const flow = defineFlow({ id: 'gated' }, (f) => {
      const gate = f.task('gate', async () => 1);
      f.task('next', { after: [gate] }, async () => 2);
    });
    const h = await open([flow], false);
    const run = await h.system.trigger('gated');
    await markTask(h.system.queue, run.runId, { taskId: 'gate' }, 'success', 'tester');
    let tasks = await h.tasks(run.runId);
    expect(tasks.get('gate')?.state).toBe('success');
    expect(tasks.get('next')?.state).toBe('queued');
    await markRun(h.system.queue, run.runId, 'failed', 'tester');
    tasks = await h.tasks(run.runId);
    expect(tasks.get('next')?.state).toBe('failed');
    expect((await getRun(h.system.queue.meta.db, run.runId))?.state).toBe('failed');
    await markRun(h.system.queue, run.runId, 'success', 'tester');
    expect((await getRun(h.system.queue.meta.db, run.runId))?.state).toBe('success');
  });

  it('gives consecutive run ids when a run key is created again (a scheduler re-creating its tick)', async () => {
    const flow = defineFlow({ id: 'ids' }, (f) => {
      f.task('one', async () => 1);
    });
    const h = await open([flow], false);
    const a = await h.system.trigger('ids', {}, { runKey: 'k1' });
    const again = await h.system.trigger('ids', {}, { runKey: 'k1' });
    await h.system.trigger('ids', {}, { runKey: 'k1' });
    const b = await h.system.trigger('ids', {}, { runKey: 'k2' });
    expect(again).toMatchObject({ runId: a.runId, created: false });
    expect(b.runId).toBe(a.runId + 1);
  });

  it("keeps every failed attempt's error, map instances' included, for run() and logs()", async () => {
    const flow = defineFlow({ id: 'failing' }, (f) => {
      const items = f.task('items', async () => [1, 2]);
      f.map('each', items, { retries: { retries: 1, delayMs: 1, backoff: 'fixed' } }, async (ctx, n) => {
        ctx.log(`item ${n}`);
        throw new Error(`item ${n} broke on attempt ${ctx.attempt}: ${'!'.repeat(10_000)}`);
      });
    });
    const h = await open([flow]);
    const run = await h.system.trigger('failing');
    expect((await h.waitForRun(run.runId)).state).toBe('failed');
    const control = new LocalFlowControl(h.system);
    const detail = await control.run(run.runId);
    expect(detail.tasks.find((t) => t.taskId === 'each' && t.mapIndex === -1)?.error?.message).toBe(
      '2 of 2 map instances failed',
    );
    expect(
      detail.failedAttempts.map((a) => [a.taskId, a.mapIndex, a.attempt, a.outcome, a.message!.slice(0, 30)]).sort(),
    ).toEqual([
      ['each', 0, 1, 'up_for_retry', 'item 1 broke on attempt 1: !!!'],
      ['each', 0, 2, 'failed', 'item 1 broke on attempt 2: !!!'],
      ['each', 1, 1, 'up_for_retry', 'item 2 broke on attempt 1: !!!'],
      ['each', 1, 2, 'failed', 'item 2 broke on attempt 2: !!!'],
    ]);
    expect(detail.failedAttempts[0]!.message!.length).toBeLessThan(8_100);
    expect(detail.failedAttempts[0]!.stack).toContain('run-control.test.ts');
    const logs = await control.logs({ runId: run.runId, taskId: 'each', mapIndex: 1, attempt: 2 });
    expect(logs.lines.map((l) => l.line)).toEqual(['item 2']);
    expect(logs.errors.map((e) => [e.mapIndex, e.attempt, e.name])).toEqual([[1, 2, 'Error']]);
  });
});
