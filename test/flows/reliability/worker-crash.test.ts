/**
 * A worker SIGKILLed while a task runs: the attempt is recorded as lost once its
 * lease expires, the task is retried on another worker and succeeds, and every side
 * effect after the crash happens exactly once (counted in marker files the tasks
 * append to). A long task that saved checkpoints resumes from the last one.
 *
 * PostgreSQL: the scheduler runs here, workers are separate processes. PGlite: one
 * process owns the embedded database, so the killed process runs scheduler and worker
 * together, and its successor takes over the dead holder's lock.
 */
import { afterEach, expect, it } from 'vitest';
import { describeBackends } from '../../meta/helpers/backends.js';
import { CrashBed, isAlive, markerLines, openGate, waitFor } from './helpers/flow-cluster.js';

const CRASH_FLOW = `
export default defineFlow({ id: 'crash' }, (f) => {
  const slow = f.task('slow', { retries: { retries: 2, delayMs: 0, backoff: 'fixed' } }, async (ctx) => {
    mark(ctx, 'slow', 'start ' + ctx.attempt + ' ' + process.pid);
    await until(ctx, 'release');
    mark(ctx, 'slow', 'done ' + ctx.attempt);
    return 41;
  });
  f.task('down', { inputs: { slow } }, async (ctx, { slow }) => {
    mark(ctx, 'down', 'run ' + ctx.attempt);
    return slow + 1;
  });
});
`;

// Step 5 is the long one: the first attempt is killed in it, after saving step 4.
const RESUMABLE_FLOW = `
export default defineFlow({ id: 'resumable' }, (f) => {
  f.task('long', { retries: { retries: 2, delayMs: 0, backoff: 'fixed' } }, async (ctx) => {
    const saved = (await ctx.checkpoint.load()) ?? { step: 0 };
    mark(ctx, 'long', 'resume ' + ctx.attempt + ' ' + saved.step + ' ' + process.pid);
    for (let step = saved.step + 1; step <= 10; step++) {
      mark(ctx, 'long', 'begin ' + ctx.attempt + ' ' + step);
      if (step === 5) await until(ctx, 'release');
      await ctx.checkpoint.save({ step });
      mark(ctx, 'long', 'saved ' + ctx.attempt + ' ' + step);
    }
    return { steps: 10, attempt: ctx.attempt };
  });
});
`;

describeBackends('a worker SIGKILLed mid-task', (backend) => {
  let bed: CrashBed | undefined;
  afterEach(async () => {
    await bed?.close();
    bed = undefined;
  });

  it('is retried after its lease expires and succeeds exactly once', { timeout: 240_000 }, async () => {
    bed = await CrashBed.open(backend, { 'crash.ts': CRASH_FLOW });
    const first = await bed.startNode('worker-1');
    const runId = await bed.trigger('crash');

    const started = await waitFor('the first attempt to start', () =>
      markerLines(bed!.warehouse, 'slow').find((l) => l.startsWith('start 1 ')),
    );
    await first.kill();
    // The task's own process (the child-process executor's) dies with its worker: no orphan keeps running it.
    const taskPid = Number(started.split(' ')[2]);
    await waitFor(
      `the killed worker's task process ${taskPid} to exit`,
      () => (isAlive(taskPid) ? undefined : true),
      20_000,
    );
    openGate(bed.warehouse, 'release');

    await bed.startNode('worker-2');
    const run = await bed.waitForRun(runId);
    expect(run.state).toBe('success');

    const db = await bed.database();
    const instances = await db
      .selectFrom('task_instances')
      .select(['id', 'task_id', 'state', 'attempt', 'output'])
      .where('run_id', '=', runId)
      .orderBy('task_id')
      .execute();
    expect(instances.map(({ task_id, state, attempt, output }) => ({ task_id, state, attempt, output }))).toEqual([
      { task_id: 'down', state: 'success', attempt: 1, output: 42 },
      { task_id: 'slow', state: 'success', attempt: 2, output: 41 },
    ]);
    const attempts = await db
      .selectFrom('task_attempts')
      .select(['task_id', 'attempt', 'outcome', 'worker_id', 'error'])
      .where('run_id', '=', runId)
      .orderBy('task_id')
      .orderBy('attempt')
      .execute();
    expect(
      attempts.map(({ task_id, attempt, outcome, worker_id }) => ({ task_id, attempt, outcome, worker_id })),
    ).toEqual([
      { task_id: 'down', attempt: 1, outcome: 'success', worker_id: 'worker-2' },
      { task_id: 'slow', attempt: 1, outcome: 'lost', worker_id: 'worker-1' },
      { task_id: 'slow', attempt: 2, outcome: 'success', worker_id: 'worker-2' },
    ]);
    expect(attempts.find((a) => a.outcome === 'lost')?.error).toMatchObject({ reason: 'lost', name: 'WorkerLost' });

    // Side effects: the killed attempt started and never finished; the retry and the downstream ran once each.
    expect(markerLines(bed.warehouse, 'slow').map((l) => l.split(' ').slice(0, 2).join(' '))).toEqual([
      'start 1',
      'start 2',
      'done 2',
    ]);
    expect(markerLines(bed.warehouse, 'down')).toEqual(['run 1']);
  });

  it(
    'resumes a long task from its last checkpoint: no step saved before the kill is redone',
    { timeout: 240_000 },
    async () => {
      bed = await CrashBed.open(backend, { 'resumable.ts': RESUMABLE_FLOW });
      const first = await bed.startNode('worker-1');
      const runId = await bed.trigger('resumable');

      await waitFor('the first attempt to reach step 5', () =>
        markerLines(bed!.warehouse, 'long').includes('begin 1 5') ? true : undefined,
      );
      await first.kill();
      const taskPid = Number(markerLines(bed.warehouse, 'long')[0]!.split(' ')[3]);
      await waitFor(
        `the killed worker's task process ${taskPid} to exit`,
        () => (isAlive(taskPid) ? undefined : true),
        20_000,
      );
      openGate(bed.warehouse, 'release');

      await bed.startNode('worker-2');
      const run = await bed.waitForRun(runId);
      expect(run.state).toBe('success');

      const lines = markerLines(bed.warehouse, 'long');
      const steps = (kind: string, attempt: number) =>
        lines.filter((l) => l.startsWith(`${kind} ${attempt} `)).map((l) => Number(l.split(' ')[2]));
      expect(steps('resume', 1)).toEqual([0]);
      expect(steps('saved', 1)).toEqual([1, 2, 3, 4]);
      expect(steps('begin', 1)).toEqual([1, 2, 3, 4, 5]);
      expect(steps('resume', 2)).toEqual([4]);
      expect(steps('begin', 2)).toEqual([5, 6, 7, 8, 9, 10]);
      expect(steps('saved', 2)).toEqual([5, 6, 7, 8, 9, 10]);
      expect(
        lines.filter((l) => !['1', '2'].includes(l.split(' ')[1]!)),
        'lines of other attempts',
      ).toEqual([]);

      const db = await bed.database();
      const task = await db
        .selectFrom('task_instances')
        .select(['id', 'state', 'attempt', 'output'])
        .where('run_id', '=', runId)
        .executeTakeFirstOrThrow();
      expect(task).toMatchObject({ state: 'success', attempt: 2, output: { steps: 10, attempt: 2 } });
      const checkpoint = await db
        .selectFrom('task_checkpoints')
        .select(['attempt', 'value'])
        .where('task_instance_id', '=', task.id)
        .executeTakeFirstOrThrow();
      expect(checkpoint).toEqual({ attempt: 2, value: { step: 10 } });
      const attempts = await db
        .selectFrom('task_attempts')
        .select(['attempt', 'outcome', 'worker_id'])
        .where('task_instance_id', '=', task.id)
        .orderBy('attempt')
        .execute();
      expect(attempts).toEqual([
        { attempt: 1, outcome: 'lost', worker_id: 'worker-1' },
        { attempt: 2, outcome: 'success', worker_id: 'worker-2' },
      ]);
    },
  );
});
