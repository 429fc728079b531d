/**
 * Fencing: an attempt whose lease expired (its worker hung, or lost its connection)
 * and whose task was retried elsewhere may still report, late. Its report must change
 * nothing: the queue refuses it (the lease token moved on), the recorded outcome and
 * output stay the retry's, and downstream tasks do not run again. The same goes for
 * its other writes (checkpoints).
 *
 * In one process: stale claims are made through the queue functions (claimTasks /
 * completeAttempts), leases are reaped by the scheduler, and a real Worker shows the
 * refusal in its stats.
 */
import { afterEach, expect, it } from 'vitest';
import { sql } from 'kysely';
import {
  claimTasks,
  completeAttempts,
  defineFlow,
  type ClaimedTask,
  type FlowDefinition,
  type JsonValue,
} from '../../../src/flows/index.js';
import { describeBackends } from '../../meta/helpers/backends.js';
import { inProcessExecutor, openHarness, type Harness } from '../helpers/flow-harness.js';
import { waitFor } from './helpers/flow-cluster.js';

const RETRY_AT_ONCE = { retries: 2, delayMs: 0, backoff: 'fixed' } as const;

function gate(): { promise: Promise<void>; open(): void } {
  let open = () => {};
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

describeBackends('fencing of late reports', (backend) => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });
  const open = async (flows: FlowDefinition[]) =>
    (harness = await openHarness(backend, { flows, worker: false, tickMs: 50 }));

  const attemptsOf = (h: Harness, runId: number) =>
    h.system.queue.meta.db
      .selectFrom('task_attempts')
      .select(['task_id', 'attempt', 'outcome', 'worker_id'])
      .where('run_id', '=', runId)
      .orderBy('task_id')
      .orderBy('attempt')
      .execute();
  const instance = async (h: Harness, runId: number, taskId: string) => (await h.tasks(runId)).get(taskId)!;
  const lostAttempt = (h: Harness, runId: number) => async () =>
    (await attemptsOf(h, runId)).some((a) => a.outcome === 'lost') ? true : undefined;
  const late = (claimed: ClaimedTask, output: JsonValue, workerId: string) => ({
    claimed,
    outcome: { kind: 'success' as const, output },
    startedAt: new Date(Date.now() - 1_000),
    endedAt: new Date(),
    workerId,
  });

  it(
    "refuses a late success after the retry finished: the outcome, output and downstream stay the retry's",
    { timeout: 120_000 },
    async () => {
      const effects: string[] = [];
      const flow = defineFlow({ id: 'fenced' }, (f) => {
        const work = f.task('work', { retries: RETRY_AT_ONCE }, async (ctx) => {
          effects.push(`work ${ctx.attempt}`);
          return `attempt ${ctx.attempt}`;
        });
        f.task('down', { inputs: { work } }, async (_ctx, { work }) => {
          effects.push(`down ${work}`);
          return work;
        });
      });
      const h = await open([flow]);
      const { runId } = await h.system.trigger('fenced');
      const [stale] = await claimTasks(h.system.queue, 'stale-worker', 1, 200, h.system.warehouse);
      expect(stale?.request).toMatchObject({ taskId: 'work', attempt: 1 });

      await waitFor('the scheduler to reap the expired lease', lostAttempt(h, runId));
      const worker = await h.system.startWorker({ id: 'worker-2', executor: inProcessExecutor([flow]), pollMs: 50 });
      expect((await h.waitForRun(runId)).state).toBe('success');
      const endedAt = (await h.waitForRun(runId)).endedAt;

      const lateSuccess = await completeAttempts(h.system.queue, [late(stale!, 'stale output', 'stale-worker')]);
      expect(lateSuccess).toMatchObject({ accepted: 0, rejected: [stale!.request.taskInstanceId] });
      const lateFailure = await completeAttempts(h.system.queue, [
        {
          ...late(stale!, null, 'stale-worker'),
          outcome: { kind: 'failed', failure: { reason: 'threw', name: 'Error', message: 'late failure' } },
        },
      ]);
      expect(lateFailure).toMatchObject({ accepted: 0, rejected: [stale!.request.taskInstanceId] });
      await worker.close();

      expect(await instance(h, runId, 'work')).toMatchObject({
        state: 'success',
        attempt: 2,
        output: 'attempt 2',
        leaseOwner: null,
      });
      expect(await instance(h, runId, 'down')).toMatchObject({ state: 'success', attempt: 1, output: 'attempt 2' });
      expect(await attemptsOf(h, runId)).toEqual([
        { task_id: 'down', attempt: 1, outcome: 'success', worker_id: 'worker-2' },
        { task_id: 'work', attempt: 1, outcome: 'lost', worker_id: 'stale-worker' },
        { task_id: 'work', attempt: 2, outcome: 'success', worker_id: 'worker-2' },
      ]);
      expect(effects).toEqual(['work 2', 'down attempt 2']);
      expect(await h.waitForRun(runId)).toMatchObject({ state: 'success', endedAt });
    },
  );

  it(
    'refuses a late report while the retry is still running (the lease token is the only guard)',
    { timeout: 120_000 },
    async () => {
      const flow = defineFlow({ id: 'racing' }, (f) => {
        f.task('work', { retries: RETRY_AT_ONCE }, async (ctx) => ctx.attempt);
      });
      const h = await open([flow]);
      const { runId } = await h.system.trigger('racing');
      const [stale] = await claimTasks(h.system.queue, 'stale-worker', 1, 200, h.system.warehouse);
      await waitFor('the scheduler to reap the expired lease', lostAttempt(h, runId));
      const retry = await waitFor(
        'the retry to be claimed',
        async () => (await claimTasks(h.system.queue, 'worker-b', 1, 600_000, h.system.warehouse))[0],
      );
      expect(retry.request).toMatchObject({ taskInstanceId: stale!.request.taskInstanceId, attempt: 2 });
      expect(retry.request.leaseToken).toBeGreaterThan(stale!.request.leaseToken);

      const lateReport = await completeAttempts(h.system.queue, [late(stale!, 'stale output', 'stale-worker')]);
      expect(lateReport).toMatchObject({ accepted: 0, rejected: [stale!.request.taskInstanceId] });
      expect(await instance(h, runId, 'work')).toMatchObject({
        state: 'running',
        attempt: 2,
        leaseOwner: 'worker-b',
        output: null,
      });

      const current = await completeAttempts(h.system.queue, [late(retry, 'retry output', 'worker-b')]);
      expect(current).toMatchObject({ accepted: 1, rejected: [] });
      expect(await instance(h, runId, 'work')).toMatchObject({ state: 'success', attempt: 2, output: 'retry output' });
      expect(await attemptsOf(h, runId)).toEqual([
        { task_id: 'work', attempt: 1, outcome: 'lost', worker_id: 'stale-worker' },
        { task_id: 'work', attempt: 2, outcome: 'success', worker_id: 'worker-b' },
      ]);
      expect((await h.waitForRun(runId)).state).toBe('success');
    },
  );

  it("counts a Worker's fenced-off report in stats.rejected", { timeout: 120_000 }, async () => {
    const first = gate();
    const flow = defineFlow({ id: 'hung' }, (f) => {
      f.task('work', { retries: RETRY_AT_ONCE }, async (ctx) => {
        if (ctx.attempt === 1) await first.promise; // hangs until the test lets it report, late
        return `attempt ${ctx.attempt}`;
      });
    });
    const h = await open([flow]);
    // A lease long enough that no heartbeat renews it during the test: the test expires it instead.
    const worker = await h.system.startWorker({
      id: 'worker-1',
      executor: inProcessExecutor([flow]),
      pollMs: 50,
      leaseMs: 3_600_000,
    });
    const { runId } = await h.system.trigger('hung');
    const work = await waitFor('the first attempt to run', async () => {
      const t = await instance(h, runId, 'work');
      return t.state === 'running' ? t : undefined;
    });
    await sql`update task_instances set lease_expires_at = now() - interval '1 second' where id = ${work.id}`.execute(
      h.system.queue.meta.db,
    );
    expect((await h.waitForRun(runId)).state).toBe('success');
    expect(await instance(h, runId, 'work')).toMatchObject({ state: 'success', attempt: 2, output: 'attempt 2' });

    first.open();
    await waitFor('the late report to be refused', () => (worker.stats.rejected > 0 ? true : undefined));
    expect(worker.stats).toEqual({ completed: 1, rejected: 1 });
    expect(await instance(h, runId, 'work')).toMatchObject({ state: 'success', attempt: 2, output: 'attempt 2' });
    expect(await attemptsOf(h, runId)).toEqual([
      { task_id: 'work', attempt: 1, outcome: 'lost', worker_id: 'worker-1' },
      { task_id: 'work', attempt: 2, outcome: 'success', worker_id: 'worker-1' },
    ]);
  });

  it(
    'keeps the log lines of a fenced-off attempt with that attempt, apart from its retry on the same worker',
    { timeout: 120_000 },
    async () => {
      const first = gate();
      const flow = defineFlow({ id: 'chatty' }, (f) => {
        f.task('work', { retries: RETRY_AT_ONCE }, async (ctx) => {
          ctx.log(`attempt ${ctx.attempt} starts`);
          if (ctx.attempt === 1) await first.promise;
          ctx.log(`attempt ${ctx.attempt} ends`);
          return ctx.attempt;
        });
      });
      const h = await open([flow]);
      const worker = await h.system.startWorker({
        id: 'worker-1',
        executor: inProcessExecutor([flow]),
        pollMs: 50,
        leaseMs: 3_600_000,
      });
      const { runId } = await h.system.trigger('chatty');
      const work = await waitFor('the first attempt to run', async () => {
        const t = await instance(h, runId, 'work');
        return t.state === 'running' ? t : undefined;
      });
      await sql`update task_instances set lease_expires_at = now() - interval '1 second' where id = ${work.id}`.execute(
        h.system.queue.meta.db,
      );
      expect((await h.waitForRun(runId)).state).toBe('success');
      first.open();
      await waitFor('the late report to be refused', () => (worker.stats.rejected > 0 ? true : undefined));
      await worker.close();

      const logs = await h.system.queue.meta.db
        .selectFrom('task_logs')
        .select(['attempt', 'line'])
        .where('task_instance_id', '=', work.id)
        .orderBy('id')
        .execute();
      expect(logs.map((l) => `${l.attempt}: ${l.line}`).sort()).toEqual([
        '1: attempt 1 ends',
        '1: attempt 1 starts',
        '2: attempt 2 ends',
        '2: attempt 2 starts',
      ]);
    },
  );

  it(
    "refuses a checkpoint saved by a fenced-off attempt: the retry's progress is kept",
    { timeout: 120_000 },
    async () => {
      const zombie = gate();
      const second = gate();
      const secondSaved = gate();
      const flow = defineFlow({ id: 'progress' }, (f) => {
        f.task('work', { retries: { retries: 3, delayMs: 0, backoff: 'fixed' } }, async (ctx) => {
          const saved = await ctx.checkpoint.load();
          if (ctx.attempt === 1) {
            await zombie.promise; // hung past its lease; wakes up after the retry saved progress
            await ctx.checkpoint.save({ step: 3, by: 1 }).catch(() => undefined);
            return 'zombie';
          }
          if (ctx.attempt === 2) {
            await ctx.checkpoint.save({ step: 7, by: 2 });
            secondSaved.open();
            await second.promise;
            throw new Error('attempt 2 fails after saving step 7');
          }
          return saved ?? null; // attempt 3 resumes from what attempt 2 saved
        });
      });
      const h = await open([flow]);
      const worker = await h.system.startWorker({
        id: 'worker-1',
        executor: inProcessExecutor([flow]),
        pollMs: 50,
        leaseMs: 3_600_000,
      });
      const { runId } = await h.system.trigger('progress');
      const work = await waitFor('the first attempt to run', async () => {
        const t = await instance(h, runId, 'work');
        return t.state === 'running' ? t : undefined;
      });
      await sql`update task_instances set lease_expires_at = now() - interval '1 second' where id = ${work.id}`.execute(
        h.system.queue.meta.db,
      );
      await secondSaved.promise;

      zombie.open();
      await waitFor("the zombie's report to be refused", () => (worker.stats.rejected > 0 ? true : undefined));
      second.open();
      expect((await h.waitForRun(runId)).state).toBe('success');
      const task = await instance(h, runId, 'work');
      expect(task).toMatchObject({ state: 'success', attempt: 3 });
      expect(task.output, 'attempt 3 resumed from the checkpoint the zombie overwrote').toEqual({ step: 7, by: 2 });
    },
  );
});
