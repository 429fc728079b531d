/**
 * The Executor contract, run against every built-in executor. Flows are real files in
 * a temp dir (the child-process executor imports them). A new executor joins by
 * adding a line to `implementations`; `isolated` executors also survive tasks that
 * exit or block their event loop.
 */
import { mkdtempSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ChildProcessExecutor,
  InProcessExecutor,
  loadFlowFile,
  type Executor,
  type FlowResolver,
  type JsonValue,
  type LogStream,
  type TaskHost,
  type TaskRequest,
} from '../../src/flows/index.js';

const dir = mkdtempSync(path.join(tmpdir(), 'strata-executor-'));
const flowFile = path.join(dir, 'contract-flow.ts');
writeFileSync(
  flowFile,
  `import { defineFlow } from 'strata';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function fail(message) {
  throw Object.assign(new Error(message), { code: 'E_CONTRACT' });
}

export const contract = defineFlow({ id: 'contract', params: { who: 'nobody' } }, (f) => {
  const list = f.task('list', () => ['a', 'b']);
  f.map('each', list, (ctx, item, inputs) => ({ item, inputs, mapIndex: ctx.mapIndex }));
  f.task('echo', { inputs: { list } }, (ctx, inputs) => ({ inputs, params: ctx.params, attempt: ctx.attempt, runId: ctx.runId }));
  f.task('throws', () => fail('boom'));
  f.task('rejects', () => Promise.reject({ why: 'not an error' }));
  f.task('hangs', () => new Promise(() => {}));
  f.task('spins', () => { for (;;) {} });
  f.task('exits', () => process.exit(3));
  f.task('skips', (ctx) => ctx.skip('nothing to do'));
  f.task('defers', (ctx) => ctx.defer(5000, 'waiting for data'));
  f.task('logs', (ctx) => {
    ctx.log('count=%d', 42, { a: 1 });
    console.log('from console');
    return 'logged';
  });
  f.task('resumes', async (ctx) => {
    const saved = await ctx.checkpoint.load();
    if (saved !== undefined) return saved;
    await ctx.checkpoint.save({ step: 1 });
    throw new Error('first attempt fails after saving');
  });
  f.task('locates', (ctx) => ctx.tableLocation('main.orders'));
  f.task('returns-function', () => () => 1);
  f.task('returns-bigint', () => ({ n: 10n }));
  // Waits until every party has arrived: only completes if the attempts run at once.
  f.task('barrier', async (ctx) => {
    writeFileSync(join(ctx.params.barrierDir, String(ctx.mapIndex)), '');
    while (readdirSync(ctx.params.barrierDir).length < ctx.params.parties) await new Promise((r) => setTimeout(r, 5));
    return ctx.mapIndex;
  });
});
`,
);

const resolver: FlowResolver = {
  async resolve(flowId, sourceFile) {
    const flows = await loadFlowFile(sourceFile ?? '');
    const flow = flows.find((candidate) => candidate.id === flowId);
    if (flow === undefined) throw new Error(`no flow ${flowId} in ${sourceFile}`);
    return flow;
  },
};

const implementations: Record<string, { make(slots: number): Executor; isolated: boolean }> = {
  'in-process': { make: (slots) => new InProcessExecutor({ slots, resolver }), isolated: false },
  'child-process': { make: (slots) => new ChildProcessExecutor({ slots }), isolated: true },
};

let nextInstanceId = 1;
function request(taskId: string, extra: Partial<TaskRequest> = {}): TaskRequest {
  return {
    taskInstanceId: nextInstanceId++,
    leaseToken: 1,
    flowId: 'contract',
    taskId,
    runId: 7,
    mapIndex: -1,
    attempt: 1,
    maxAttempts: 3,
    params: { who: 'nobody' },
    inputs: {},
    logicalDate: undefined,
    timeoutMs: undefined,
    warehouse: undefined,
    sourceFile: flowFile,
    ...extra,
  };
}

function memoryHost() {
  const logs: { id: number; line: string; stream: LogStream }[] = [];
  const checkpoints = new Map<number, JsonValue>();
  const host: TaskHost = {
    log: ({ taskInstanceId: id }, line, stream) => void logs.push({ id, line, stream }),
    loadCheckpoint: async ({ taskInstanceId }) => checkpoints.get(taskInstanceId),
    saveCheckpoint: async ({ taskInstanceId }, value) => void checkpoints.set(taskInstanceId, value),
    tableLocation: async (_attempt, name) => `/lake/${name}`,
  };
  return { host, logs, checkpoints };
}

describe.each(Object.entries(implementations))('Executor contract: %s', (_name, { make, isolated }) => {
  let executor: Executor;
  const { host, logs } = memoryHost();
  beforeAll(() => void (executor = make(2)));
  afterAll(() => executor.close(1_000));

  it('runs a task with its params and inputs and returns its JSON output', async () => {
    const outcome = await executor.run(
      request('echo', { params: { who: 'ada' }, inputs: { list: ['a', 'b'] }, attempt: 2 }),
      host,
    );
    expect(outcome).toEqual({
      kind: 'success',
      output: { inputs: { list: ['a', 'b'] }, params: { who: 'ada' }, attempt: 2, runId: 7 },
    });
  });

  it('resolves table locations through the host', async () => {
    expect(await executor.run(request('locates'), host)).toEqual({ kind: 'success', output: '/lake/main.orders' });
  });

  it('delivers a mapped task its item', async () => {
    const outcome = await executor.run(request('each', { mapIndex: 1, mapItem: { day: 'b' }, inputs: {} }), host);
    expect(outcome).toEqual({ kind: 'success', output: { item: { day: 'b' }, inputs: {}, mapIndex: 1 } });
  });

  it('reports a throw with the user stack, without framework frames', async () => {
    const outcome = await executor.run(request('throws'), host);
    expect(outcome.kind).toBe('failed');
    if (outcome.kind !== 'failed') return;
    expect(outcome.failure).toMatchObject({ reason: 'threw', name: 'Error', message: 'boom', code: 'E_CONTRACT' });
    expect(outcome.failure.stack).toContain(flowFile);
    expect(outcome.failure.stack).not.toMatch(/[\\/]src[\\/]flows[\\/]|node:internal/);
  });

  it('reports an async rejection with a non-Error value', async () => {
    const outcome = await executor.run(request('rejects'), host);
    expect(outcome).toMatchObject({
      kind: 'failed',
      failure: { reason: 'threw', message: expect.stringContaining('not an error') },
    });
  });

  it('times out a task that never settles, aborting it, and keeps working', async () => {
    const outcome = await executor.run(request('hangs', { timeoutMs: 100 }), host);
    expect(outcome).toMatchObject({
      kind: 'failed',
      failure: { reason: 'timeout', message: 'timed out after 100 ms' },
    });
    expect((await executor.run(request('echo'), host)).kind).toBe('success');
  });

  it.runIf(isolated)('times out a task stuck in a synchronous loop, and keeps working', async () => {
    const outcome = await executor.run(request('spins', { timeoutMs: 100 }), host);
    expect(outcome).toMatchObject({ kind: 'failed', failure: { reason: 'timeout' } });
    expect((await executor.run(request('echo'), host)).kind).toBe('success');
  });

  it.runIf(isolated)('reports a task that exits its process, and keeps working', async () => {
    const outcome = await executor.run(request('exits'), host);
    expect(outcome).toMatchObject({
      kind: 'failed',
      failure: { reason: 'exited', exitCode: 3, message: expect.stringContaining('exited with code 3') },
    });
    expect((await executor.run(request('echo'), host)).kind).toBe('success');
  });

  it('re-imports a flow file that changed', async () => {
    const file = path.join(dir, `changing-${_name}.ts`);
    const write = (value: number, mtime: Date) => {
      writeFileSync(
        file,
        `import { defineFlow } from 'strata';\nexport default defineFlow({ id: 'changing' }, (f) => void f.task('value', () => ${value}));\n`,
      );
      utimesSync(file, mtime, mtime);
    };
    write(1, new Date(2_000_000_000_000));
    expect(await executor.run(request('value', { flowId: 'changing', sourceFile: file }), host)).toEqual({
      kind: 'success',
      output: 1,
    });
    write(2, new Date(2_000_000_060_000));
    expect(await executor.run(request('value', { flowId: 'changing', sourceFile: file }), host)).toEqual({
      kind: 'success',
      output: 2,
    });
  });

  it('turns ctx.skip() and ctx.defer() into their outcomes', async () => {
    expect(await executor.run(request('skips'), host)).toEqual({ kind: 'skipped', reason: 'nothing to do' });
    expect(await executor.run(request('defers'), host)).toEqual({
      kind: 'deferred',
      delayMs: 5000,
      reason: 'waiting for data',
    });
  });

  it('relays log lines to the host under the attempt', async () => {
    const attempt = request('logs');
    expect(await executor.run(attempt, host)).toEqual({ kind: 'success', output: 'logged' });
    const lines = logs.filter((entry) => entry.id === attempt.taskInstanceId);
    expect(lines).toContainEqual({ id: attempt.taskInstanceId, line: 'count=42 { a: 1 }', stream: 'log' });
    if (isolated) expect(lines).toContainEqual({ id: attempt.taskInstanceId, line: 'from console', stream: 'stdout' });
  });

  it('keeps a checkpoint saved by one attempt for the next', async () => {
    const first = request('resumes');
    expect((await executor.run(first, host)).kind).toBe('failed');
    const second = await executor.run({ ...first, attempt: 2 }, host);
    expect(second).toEqual({ kind: 'success', output: { step: 1 } });
  });

  it('refuses outputs that are not JSON', async () => {
    for (const taskId of ['returns-function', 'returns-bigint']) {
      const outcome = await executor.run(request(taskId), host);
      expect(outcome).toMatchObject({
        kind: 'failed',
        failure: { reason: 'output', message: expect.stringMatching(/not JSON/) },
      });
    }
  });

  it('reports an unknown task by name', async () => {
    const outcome = await executor.run(request('no_such_task'), host);
    expect(outcome).toMatchObject({ kind: 'failed', failure: { message: expect.stringContaining('no_such_task') } });
  });

  it('ends attempts still running when closed after the grace period, and refuses new ones', async () => {
    const closing = make(1);
    const hanging = closing.run(request('hangs'), host);
    // With one slot, the second attempt waits for the first, which never ends by itself.
    const queued = closing.run(request('echo'), host);
    await closing.close(50);
    expect(await hanging).toMatchObject({ kind: 'failed', failure: { reason: 'lost' } });
    expect(await queued).toMatchObject({ kind: 'failed', failure: { reason: 'lost' } });
    expect(await closing.run(request('echo'), host)).toMatchObject({ kind: 'failed', failure: { reason: 'lost' } });
  });

  it('runs `slots` attempts at once', async () => {
    const parties = 4;
    const wide = make(parties);
    const barrierDir = path.join(dir, `barrier-${_name}`);
    mkdirSync(barrierDir);
    try {
      const attempts = Array.from({ length: parties }, (_, i) =>
        wide.run(request('barrier', { mapIndex: i, params: { barrierDir, parties } }), host),
      );
      expect(await Promise.all(attempts)).toEqual([0, 1, 2, 3].map((i) => ({ kind: 'success', output: i })));
    } finally {
      await wide.close(1_000);
    }
  });
});
