/**
 * End-to-end orchestration on both backends with an in-process executor: typed
 * inputs, dynamic fan-out, trigger rules, retries with the attempt history, skip,
 * defer, pools, priorities and parameters.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  defineFlow,
  durationExpectations,
  Scheduler,
  TriggerRule,
  type FlowDefinition,
} from '../../src/flows/index.js';
import { describeBackends } from '../meta/helpers/backends.js';
import { openHarness, type Harness } from './helpers/flow-harness.js';

describeBackends('orchestration', (backend) => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });
  const open = async (flows: FlowDefinition[]) => (harness = await openHarness(backend, { flows }));

  it('passes typed outputs along a map and a fan-in', async () => {
    const flow = defineFlow({ id: 'fan', params: { factor: 2 } }, (f) => {
      const list = f.task('list', async () => [1, 2, 3, 4]);
      const scaled = f.map('scale', list, async (ctx, n) => n * ctx.params.factor);
      const total = f.task('total', { inputs: { scaled, list } }, async (_ctx, { scaled, list }) => ({
        sum: scaled.reduce((a, b) => a + b, 0),
        count: list.length,
      }));
      f.task('report', { inputs: { total } }, async (_ctx, { total }) => `sum=${total.sum}`);
    });
    const h = await open([flow]);
    const run = await h.system.trigger('fan', { factor: 10 });
    const done = await h.waitForRun(run.runId);
    expect(done.state).toBe('success');
    const tasks = await h.tasks(run.runId, true);
    expect(tasks.get('scale')?.output).toEqual([10, 20, 30, 40]);
    expect(tasks.get('scale[2]')?.output).toBe(30);
    expect(tasks.get('total')?.output).toEqual({ sum: 100, count: 4 });
    expect(tasks.get('report')?.output).toBe('sum=100');
  });

  it('retries a failing task per its policy and records every attempt', async () => {
    let calls = 0;
    const flow = defineFlow({ id: 'flaky' }, (f) => {
      f.task('sometimes', { retries: { retries: 3, delayMs: 10, backoff: 'fixed' } }, async (ctx) => {
        calls++;
        if (ctx.attempt < 3) throw new Error(`attempt ${ctx.attempt} failed`);
        return ctx.attempt;
      });
    });
    const h = await open([flow]);
    const run = await h.system.trigger('flaky');
    expect((await h.waitForRun(run.runId)).state).toBe('success');
    const task = (await h.tasks(run.runId)).get('sometimes')!;
    expect(task.output).toBe(3);
    expect(task.attempt).toBe(3);
    expect(calls).toBe(3);
    const attempts = await h.system.queue.meta.db
      .selectFrom('task_attempts')
      .select(['attempt', 'outcome'])
      .where('task_instance_id', '=', task.id)
      .orderBy('attempt')
      .execute();
    expect(attempts).toEqual([
      { attempt: 1, outcome: 'up_for_retry' },
      { attempt: 2, outcome: 'up_for_retry' },
      { attempt: 3, outcome: 'success' },
    ]);
  });

  it('applies trigger rules: failures propagate as upstream_failed, cleanup runs on all_done, one_failed alerts', async () => {
    const flow = defineFlow({ id: 'rules' }, (f) => {
      const boom = f.task('boom', async () => {
        throw new Error('kaboom');
      });
      const ok = f.task('ok', async () => 1);
      const after = f.task('after', { after: [boom, ok] }, async () => 'never');
      f.task('cleanup', { after: [boom, ok], triggerRule: TriggerRule.allDone }, async () => 'cleaned');
      f.task('alert', { after: [boom], triggerRule: TriggerRule.oneFailed }, async () => 'alerted');
      f.task('downstream_of_after', { after: [after] }, async () => 'never');
      const skipper = f.task('skipper', async (ctx) => ctx.skip('nothing to do'));
      f.task('after_skip', { after: [skipper] }, async () => 'never');
    });
    const h = await open([flow]);
    const run = await h.system.trigger('rules');
    expect((await h.waitForRun(run.runId)).state).toBe('failed');
    const states = Object.fromEntries([...(await h.tasks(run.runId))].map(([id, t]) => [id, t.state]));
    expect(states).toEqual({
      boom: 'failed',
      ok: 'success',
      after: 'upstream_failed',
      cleanup: 'success',
      alert: 'success',
      downstream_of_after: 'upstream_failed',
      skipper: 'skipped',
      after_skip: 'skipped',
    });
    const boom = (await h.tasks(run.runId)).get('boom')!;
    expect(boom.error).toMatchObject({ reason: 'threw', message: 'kaboom' });
  });

  it('passes large outputs through lake tables: the consumer reads the version the producer wrote', async () => {
    const flow = defineFlow({ id: 'big' }, (f) => {
      const produce = f.task('produce', async (ctx) =>
        ctx.outputTable(Array.from({ length: 5000 }, (_, i) => ({ id: i, group: i % 7 }))),
      );
      f.task('consume', { inputs: { produce } }, async (ctx, { produce }) => {
        const rows = await ctx.readTable(produce);
        return { rows: rows.length, sum: rows.reduce((a, r) => a + Number(r.id), 0) };
      });
    });
    const h = await open([flow]);
    const run = await h.system.trigger('big');
    expect((await h.waitForRun(run.runId)).state).toBe('success');
    const tasks = await h.tasks(run.runId);
    expect(tasks.get('produce')?.output).toMatchObject({ kind: 'table-output', version: 0, numRows: 5000 });
    expect(tasks.get('consume')?.output).toEqual({ rows: 5000, sum: (4999 * 5000) / 2 });
  });

  it('resolves catalog table names for tasks through the worker', async () => {
    const flow = defineFlow({ id: 'located' }, (f) => {
      f.task('where', async (ctx) => ctx.tableLocation('main.orders'));
      f.task('missing', async (ctx) => ctx.tableLocation('main.nope'));
    });
    const h = await open([flow]);
    const table = await h.system.catalog.createTable('orders', {
      schema: { type: 'struct', fields: [{ name: 'id', type: 'long', nullable: true, metadata: {} }] },
    });
    const run = await h.system.trigger('located');
    await h.waitForRun(run.runId);
    const tasks = await h.tasks(run.runId);
    expect(tasks.get('where')?.output).toBe(table.location);
    expect(tasks.get('missing')?.error).toMatchObject({ message: expect.stringMatching(/main\.nope/) });
  });

  it('deletes finished runs older than the retention period, with their task instances, attempts and logs', async () => {
    const flow = defineFlow({ id: 'kept' }, (f) => {
      f.task('say', async (ctx) => ctx.log('hello'));
    });
    const h = await open([flow]);
    const old = await h.system.trigger('kept');
    const recent = await h.system.trigger('kept');
    await h.waitForRun(old.runId);
    await h.waitForRun(recent.runId);
    const db = h.system.queue.meta.db;
    await db
      .updateTable('flow_runs')
      .set({ ended_at: new Date(Date.now() - 40 * 86_400_000) })
      .where('id', '=', old.runId)
      .execute();
    const retention = new Scheduler(h.system.queue, { retentionDays: 30 });
    await retention.tick();
    expect(
      (await db.selectFrom('flow_runs').select('id').where('flow_id', '=', 'kept').execute()).map((r) => r.id),
    ).toEqual([recent.runId]);
    const instances = await db.selectFrom('task_instances').select('run_id').where('flow_id', '=', 'kept').execute();
    expect(instances.map((i) => i.run_id)).toEqual([recent.runId]);
    expect(await db.selectFrom('task_attempts').select('run_id').where('flow_id', '=', 'kept').execute()).toEqual([
      { run_id: recent.runId },
    ]);
    expect(await db.selectFrom('task_logs').select('line').execute()).toEqual([{ line: 'hello' }]);
  });

  it('learns expected durations from history, per input byte when input sizes vary', async () => {
    const flow = defineFlow({ id: 'sized', params: { size: 1 } }, (f) => {
      const text = f.task('text', async (ctx) => 'x'.repeat(ctx.params.size));
      f.task('consume', { inputs: { text } }, async (_ctx, { text }) => text.length);
    });
    const h = await open([flow]);
    for (const size of [10, 100, 1000]) await h.waitForRun((await h.system.trigger('sized', { size })).runId);
    const sizes = await h.system.queue.meta.db
      .selectFrom('task_attempts')
      .select('input_bytes')
      .where('task_id', '=', 'consume')
      .orderBy('id')
      .execute();
    // {"text":"…"} as JSON: 11 bytes around the text.
    expect(sizes.map((s) => s.input_bytes)).toEqual([21, 111, 1011]);
    const expectations = await durationExpectations(h.system.queue.meta.db, 'sized', ['text', 'consume']);
    expect(expectations.get('consume')?.samples).toBe(3);
    expect(expectations.get('consume')?.msPerByte).toBeGreaterThanOrEqual(0);
    expect(expectations.get('text')?.msPerByte).toBeUndefined();
  });

  it('refuses unknown parameters and wrongly typed ones', async () => {
    const flow = defineFlow({ id: 'params', params: { day: '2026-01-01' } }, (f) => {
      f.task('echo', async (ctx) => ctx.params.day);
    });
    const h = await open([flow]);
    await expect(h.system.trigger('params', { nope: 1 })).rejects.toThrow(/FLOW_PARAMS.*no parameter "nope"/);
    await expect(h.system.trigger('params', { day: 5 })).rejects.toThrow(
      /must be a string like its default \("2026-01-01"\), got the number 5\./,
    );
    const run = await h.system.trigger('params', { day: '2026-02-02' });
    await h.waitForRun(run.runId);
    expect((await h.tasks(run.runId)).get('echo')?.output).toBe('2026-02-02');
  });
});

describe('orchestration harness', () => {
  it('is exercised per backend above', () => expect(typeof openHarness).toBe('function'));
});
