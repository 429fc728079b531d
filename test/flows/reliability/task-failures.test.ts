/**
 * Task failures under the default executor (child processes, flows in files): a
 * throw, a timeout (an awaited hang, which the child reports, and a synchronous spin,
 * which only killing the child ends), and process.exit() in task code. Each is
 * recorded with its reason, retried per its policy with every attempt recorded, and
 * ends in the expected state; the worker itself survives and runs the next task.
 */
import { afterEach, expect, it } from 'vitest';
import { ChildProcessExecutor } from '../../../src/flows/index.js';
import { describeBackends } from '../../meta/helpers/backends.js';
import { markerLines, openFileFlows, type FileFlows } from './helpers/flow-cluster.js';

const FAILING_FLOW = `
function explodeInUserCode(ctx) {
  throw new Error('boom on attempt ' + ctx.attempt);
}
const retry = (retries) => ({ retries, delayMs: 10, backoff: 'fixed' });

export default defineFlow({ id: 'failing' }, (f) => {
  f.task('throws', { retries: retry(2) }, async (ctx) => {
    mark(ctx, 'throws', 'attempt ' + ctx.attempt);
    explodeInUserCode(ctx);
  });
  f.task('hangs', { timeoutMs: 400, retries: retry(1) }, async (ctx) => {
    mark(ctx, 'hangs', 'attempt ' + ctx.attempt);
    await new Promise(() => {});
  });
  f.task('spins', { timeoutMs: 400, retries: retry(1) }, (ctx) => {
    mark(ctx, 'spins', 'attempt ' + ctx.attempt);
    for (;;) {}
  });
  f.task('exits', { retries: retry(1) }, (ctx) => {
    mark(ctx, 'exits', 'attempt ' + ctx.attempt);
    process.exit(1);
  });
  f.task('exits_once', { retries: retry(1) }, (ctx) => {
    mark(ctx, 'exits_once', 'attempt ' + ctx.attempt);
    if (ctx.attempt === 1) process.exit(1);
    return 'survived';
  });
});

export const healthy = defineFlow({ id: 'healthy' }, (f) => {
  f.task('ok', (ctx) => {
    mark(ctx, 'ok', 'ran');
    return 'fine';
  });
});
`;

describeBackends('task failures in child processes', (backend) => {
  let flows: FileFlows | undefined;
  afterEach(async () => {
    await flows?.close();
    flows = undefined;
  });

  it(
    'records throws, timeouts and exits with their reasons, retries each per its policy, and keeps the worker running',
    { timeout: 180_000 },
    async () => {
      const executor = new ChildProcessExecutor({ slots: 2 });
      const f = (flows = await openFileFlows(backend, { 'failing.ts': FAILING_FLOW }, executor));
      const db = f.system.queue.meta.db;
      const { runId } = await f.system.trigger('failing');
      expect((await f.waitForRun(runId)).state).toBe('failed');

      const instances = await db
        .selectFrom('task_instances')
        .select(['id', 'task_id', 'state', 'attempt', 'error', 'output'])
        .where('run_id', '=', runId)
        .execute();
      const task = (id: string) => instances.find((t) => t.task_id === id)!;
      const outcomes = async (id: string) =>
        (
          await db
            .selectFrom('task_attempts')
            .select(['attempt', 'outcome', 'error'])
            .where('task_instance_id', '=', task(id).id)
            .orderBy('attempt')
            .execute()
        ).map((a) => ({
          attempt: a.attempt,
          outcome: a.outcome,
          reason: (a.error as { reason?: string } | null)?.reason ?? null,
        }));

      // A throw: retried twice, every attempt recorded, the user's message and stack kept.
      expect(task('throws')).toMatchObject({
        state: 'failed',
        attempt: 3,
        error: { reason: 'threw', name: 'Error', message: 'boom on attempt 3' },
      });
      expect(await outcomes('throws')).toEqual([
        { attempt: 1, outcome: 'up_for_retry', reason: 'threw' },
        { attempt: 2, outcome: 'up_for_retry', reason: 'threw' },
        { attempt: 3, outcome: 'failed', reason: 'threw' },
      ]);
      const stack = (task('throws').error as { stack?: string }).stack ?? '';
      expect(stack).toMatch(/explodeInUserCode/);
      expect(stack).toContain('failing.ts');
      expect(
        stack.split('\n').filter((line) => /\/src\/flows\//.test(line)),
        'orchestrator frames in the user stack',
      ).toEqual([]);
      expect(markerLines(f.setup.warehouse, 'throws')).toEqual(['attempt 1', 'attempt 2', 'attempt 3']);

      // Timeouts: an awaited hang and a synchronous spin (the child is killed), both retried once.
      for (const id of ['hangs', 'spins']) {
        expect(task(id), id).toMatchObject({
          state: 'failed',
          attempt: 2,
          error: { reason: 'timeout', name: 'TimeoutError' },
        });
        expect(await outcomes(id), id).toEqual([
          { attempt: 1, outcome: 'up_for_retry', reason: 'timeout' },
          { attempt: 2, outcome: 'failed', reason: 'timeout' },
        ]);
        expect(markerLines(f.setup.warehouse, id), id).toEqual(['attempt 1', 'attempt 2']);
      }

      // process.exit(1) in task code loses only its attempt.
      expect(task('exits')).toMatchObject({
        state: 'failed',
        attempt: 2,
        error: { reason: 'exited', name: 'TaskProcessExited', exitCode: 1 },
      });
      expect(await outcomes('exits')).toEqual([
        { attempt: 1, outcome: 'up_for_retry', reason: 'exited' },
        { attempt: 2, outcome: 'failed', reason: 'exited' },
      ]);
      expect(task('exits_once')).toMatchObject({ state: 'success', attempt: 2, output: 'survived' });
      expect(await outcomes('exits_once')).toEqual([
        { attempt: 1, outcome: 'up_for_retry', reason: 'exited' },
        { attempt: 2, outcome: 'success', reason: null },
      ]);

      // The worker survived all of it and runs the next task.
      const next = await f.system.trigger('healthy');
      expect((await f.waitForRun(next.runId)).state).toBe('success');
      expect(markerLines(f.setup.warehouse, 'ok')).toEqual(['ran']);
    },
  );
});
