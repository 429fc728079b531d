/**
 * The console's flow routes against a real server with a scheduler and a worker: a
 * flow's DAG and params schema, the grid, a run's Gantt (a retried attempt, the attempt
 * under way, expectations from an earlier run), a task's log followed live over SSE while
 * the task writes it, pools; roles and typed 4xx; the OpenAPI document lists the shapes.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ControlClient, ControlServer, defineFlow, LocalFlowControl } from '../../src/flows/index.js';
import { describeBackends } from '../meta/helpers/backends.js';
import { openHarness, type Harness } from '../flows/helpers/flow-harness.js';
import { startTestApi, type TestApi } from './helpers/api-harness.js';
import { connectSse } from './streams-support.js';

/** Opened by the test: `slow` logs a line, waits for it, then logs another. */
let openGate: () => void = () => undefined;
let gate = Promise.resolve();
const closeGate = () => {
  gate = new Promise<void>((resolve) => (openGate = resolve));
};
let failuresLeft = 0;

const flow = defineFlow({ id: 'console_demo', params: { n: 3, label: 'x' }, maxActiveRuns: 2 }, (f) => {
  const first = f.task(
    'extract',
    { pool: 'light', reads: ['main.open_data'], writes: ['main.secret_data'] },
    async (ctx) => ctx.params.n,
  );
  const flaky = f.task(
    'flaky',
    { inputs: { first }, retries: { retries: 1, delayMs: 10 } },
    async (_ctx, { first }) => {
      if (failuresLeft > 0) {
        failuresLeft -= 1;
        throw new Error('flaky the first time');
      }
      return first + 1;
    },
  );
  f.task('slow', { inputs: { flaky } }, async (ctx, { flaky }) => {
    ctx.log(`before the gate ${flaky} ${ctx.params.label}`);
    await gate;
    ctx.log('after the gate');
    return flaky;
  });
});

interface Gantt {
  run: { id: number; state: string };
  now: string;
  etaMs: number | null;
  tasks: {
    taskId: string;
    state: string;
    expectedMs: number | null;
    queuedAt: string | null;
    attempts: { attempt: number; outcome: string; startedAt: string | null; endedAt: string | null }[];
  }[];
}

describeBackends('flow console routes', (backend) => {
  let harness: Harness;
  let api: TestApi;
  let control: LocalFlowControl;
  beforeAll(async () => {
    harness = await openHarness(backend, { flows: [flow] });
    control = new LocalFlowControl(harness.system);
    api = await startTestApi({
      catalog: harness.system.catalog,
      flows: control,
      seed: false,
    });
  });
  afterAll(async () => {
    openGate();
    await api?.close();
    await harness?.close();
  });

  const post = (path: string, body: unknown, token: string) =>
    api.fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      token,
    });
  const get = async <T>(path: string, token = api.tokens.reader): Promise<T> => {
    const response = await api.fetch(path, { token });
    expect(response.status, `${path}: ${await response.clone().text()}`).toBe(200);
    return (await response.json()) as T;
  };

  it("describes a flow's DAG, pools and params as a JSON Schema", async () => {
    const detail = await get<Record<string, unknown>>('/v1/flows/console_demo');
    expect(detail).toMatchObject({
      id: 'console_demo',
      schedule: { kind: 'manual' },
      paused: false,
      maxActiveRuns: 2,
      params: { n: 3, label: 'x' },
      paramsSchema: {
        type: 'object',
        additionalProperties: false,
        properties: { n: { type: 'number', default: 3 }, label: { type: 'string', default: 'x' } },
      },
    });
    expect(detail.tasks).toEqual([
      expect.objectContaining({ id: 'extract', upstream: [], downstream: ['flaky'], pool: 'light', retries: 0 }),
      expect.objectContaining({ id: 'flaky', upstream: ['extract'], downstream: ['slow'], pool: null, retries: 1 }),
      expect.objectContaining({ id: 'slow', upstream: ['flaky'], downstream: [], triggerRule: 'all_success' }),
    ]);
    const missing = await api.fetch('/v1/flows/nope');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 'FLOW_NOT_FOUND' });
  });

  it("follows a task's log live, and shows the run's Gantt and grid as it goes", async () => {
    // A first run gives the tasks a history, so the second has expectations and an ETA.
    closeGate();
    openGate();
    const warmup = (await (await post('/v1/flows/console_demo/runs', {}, api.tokens.writer)).json()) as {
      runId: number;
    };
    expect((await harness.waitForRun(warmup.runId)).state).toBe('success');

    closeGate();
    failuresLeft = 1;
    const triggered = await post('/v1/flows/console_demo/runs', { params: { label: 'live' } }, api.tokens.writer);
    expect(triggered.status).toBe(201);
    const { runId } = (await triggered.json()) as { runId: number };

    const follow = await connectSse(`${api.url}/v1/streams/runs/${runId}/tasks/slow/logs`, {
      authorization: `Bearer ${api.tokens.reader}`,
    });
    expect(follow.status).toBe(200);
    await follow.waitFor((frames) => frames.some((f) => f.event === 'line'));
    // The line arrived while the task still waits at the gate: followed, not read afterwards.
    const running = await get<Gantt>(`/v1/runs/${runId}/gantt`);
    const slow = running.tasks.find((t) => t.taskId === 'slow')!;
    expect(slow.state).toBe('running');
    expect(slow.attempts.at(-1)).toMatchObject({ attempt: 1, outcome: 'running', endedAt: null });
    expect(slow.expectedMs).not.toBeNull();
    expect(running.run.state).toBe('running');
    expect(running.etaMs).not.toBeNull();
    expect(follow.frames.some((f) => f.event === 'end')).toBe(false);

    openGate();
    await follow.waitFor((frames) => frames.some((f) => f.event === 'end'));
    await follow.ended;
    const lines = follow.frames.filter((f) => f.event === 'line');
    expect(lines.map((f) => (JSON.parse(f.data) as { line: string }).line)).toEqual([
      'before the gate 4 live',
      'after the gate',
    ]);
    expect(lines.map((f) => Number(f.id))).toEqual(lines.map((f) => (JSON.parse(f.data) as { id: number }).id));
    expect(JSON.parse(follow.frames.at(-1)!.data)).toMatchObject({ state: 'success' });

    // Resuming after the first line (as EventSource does with Last-Event-ID) sends only the rest.
    const resumed = await connectSse(`${api.url}/v1/streams/runs/${runId}/tasks/slow/logs`, {
      authorization: `Bearer ${api.tokens.reader}`,
      'last-event-id': lines[0]!.id!,
    });
    await resumed.ended;
    expect(resumed.frames.map((f) => f.event)).toEqual(['line', 'end']);

    expect((await harness.waitForRun(runId)).state).toBe('success');
    const done = await get<Gantt>(`/v1/runs/${runId}/gantt`);
    const flaky = done.tasks.find((t) => t.taskId === 'flaky')!;
    expect(flaky.attempts.map((a) => [a.attempt, a.outcome])).toEqual([
      [1, 'up_for_retry'],
      [2, 'success'],
    ]);
    for (const task of done.tasks) {
      expect(task.queuedAt).not.toBeNull();
      for (const a of task.attempts) expect(Date.parse(a.endedAt!)).toBeGreaterThanOrEqual(Date.parse(a.startedAt!));
    }

    const grid = await get<{
      tasks: string[];
      runs: { id: number; state: string; cells: { taskId: string; state: string; attempt: number }[] }[];
    }>('/v1/flows/console_demo/grid?limit=2');
    expect(grid.tasks).toEqual(['extract', 'flaky', 'slow']);
    expect(grid.runs.map((r) => r.id)).toEqual([runId, warmup.runId]);
    expect(grid.runs[0]!.cells.map((c) => [c.taskId, c.state, c.attempt])).toEqual([
      ['extract', 'success', 1],
      ['flaky', 'success', 2],
      ['slow', 'success', 1],
    ]);
  });

  it('answers a log follow of an unknown task or run with a typed 404, and bad queries with 400', async () => {
    const runs = await get<{ runs: { id: number }[] }>('/v1/flows/console_demo/runs?limit=1');
    const unknownTask = await api.fetch(`/v1/streams/runs/${runs.runs[0]!.id}/tasks/nope/logs`);
    expect(unknownTask.status).toBe(404);
    expect(await unknownTask.json()).toMatchObject({ code: 'FLOW_TASK_NOT_FOUND' });
    const unknownRun = await api.fetch('/v1/streams/runs/999999/tasks/slow/logs');
    expect(await unknownRun.json()).toMatchObject({ code: 'FLOW_RUN_NOT_FOUND' });
    expect((await api.fetch('/v1/runs/999999/gantt')).status).toBe(404);
    expect((await api.fetch('/v1/flows/console_demo/grid?limit=0')).status).toBe(400);
    expect((await api.fetch('/v1/streams/runs/1/tasks/slow/logs', { token: null })).status).toBe(401);
  });

  it('lists pools with their use; only an admin sets slots', async () => {
    const { pools } = await get<{ pools: { name: string; slots: number; used: number; waiting: number }[] }>(
      '/v1/pools',
    );
    expect(pools).toEqual([expect.objectContaining({ name: 'light', slots: 16, used: 0, waiting: 0 })]);
    const put = (name: string, body: unknown, token: string) =>
      api.fetch(`/v1/pools/${name}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        token,
      });
    const byWriter = await put('light', { slots: 2 }, api.tokens.writer);
    expect(byWriter.status).toBe(403);
    expect(await byWriter.json()).toMatchObject({ code: 'API_FORBIDDEN' });
    expect((await put('light', { slots: -1 }, api.tokens.admin)).status).toBe(400);
    expect((await put('light', { slots: 2, extra: true }, api.tokens.admin)).status).toBe(400);
    expect((await put('no spaces', { slots: 2 }, api.tokens.admin)).status).toBe(400);
    const set = await put('heavy', { slots: 3 }, api.tokens.admin);
    expect(await set.json()).toEqual({
      name: 'heavy',
      slots: 3,
      description: null,
      used: 0,
      running: 0,
      queued: 0,
      waiting: 0,
    });
    expect((await get<{ pools: { name: string }[] }>('/v1/pools')).pools.map((p) => p.name)).toEqual([
      'heavy',
      'light',
    ]);

    // A pool without slots holds its task back; giving it one lets the run go on at once.
    expect((await put('light', { slots: 0 }, api.tokens.admin)).status).toBe(200);
    const { runId } = (await (await post('/v1/flows/console_demo/runs', {}, api.tokens.writer)).json()) as {
      runId: number;
    };
    const waiting = async () =>
      (await get<{ pools: { name: string; waiting: number }[] }>('/v1/pools')).pools.find((p) => p.name === 'light')!
        .waiting;
    for (let i = 0; i < 200 && (await waiting()) === 0; i++) await new Promise((r) => setTimeout(r, 25));
    expect(await waiting()).toBe(1);
    expect((await get<Gantt>(`/v1/runs/${runId}/gantt`)).tasks[0]).toMatchObject({
      taskId: 'extract',
      state: 'scheduled',
    });
    expect(await (await put('light', { slots: 1 }, api.tokens.admin)).json()).toMatchObject({ slots: 1, waiting: 0 });
    expect((await harness.waitForRun(runId)).state).toBe('success');
  });

  it('answers with every field of the views, over REST and through a control socket alike', async () => {
    const [last] = await control.runs('console_demo', 1);
    const runId = last!.id;
    const plain = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;
    const { now: _now, ...gantt } = await control.gantt(runId);
    const { now: _restNow, ...restGantt } = await get<Gantt>(`/v1/runs/${runId}/gantt`);
    expect(restGantt).toEqual(plain(gantt));
    expect(await get(`/v1/runs/${runId}`)).toEqual(plain(await control.run(runId)));
    expect(await get(`/v1/runs/${runId}/tasks/slow/logs`)).toEqual(
      plain(await control.logs({ runId, taskId: 'slow' })),
    );
    expect(await get('/v1/flows/console_demo')).toEqual(plain(await control.flow('console_demo')));
    expect(await get('/v1/flows/console_demo/grid')).toEqual(plain(await control.grid('console_demo')));
    expect(await get('/v1/flows')).toEqual(plain({ flows: await control.list() }));
    expect(await get('/v1/pools')).toEqual(plain({ pools: await control.pools() }));

    const dir = mkdtempSync(path.join(tmpdir(), 'strata-console-'));
    const server = await ControlServer.listen(control, path.join(dir, 'control.sock'));
    const client = (await ControlClient.connect(path.join(dir, 'control.sock')))!;
    try {
      expect(await client.flow('console_demo')).toEqual(await control.flow('console_demo'));
      expect(await client.grid('console_demo', 1)).toEqual(plain(await control.grid('console_demo', 1)));
      expect((await client.gantt(runId)).tasks).toEqual(plain((await control.gantt(runId)).tasks));
      expect(await client.pools()).toEqual(await control.pools());
    } finally {
      await client.close();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lets a reader read but not trigger, backfill or pause; the OpenAPI document has every shape', async () => {
    expect((await post('/v1/flows/console_demo/runs', {}, api.tokens.reader)).status).toBe(403);
    expect(
      (
        await post(
          '/v1/flows/console_demo/backfill',
          { from: '2024-01-01', to: '2024-01-02', dryRun: true },
          api.tokens.reader,
        )
      ).status,
    ).toBe(403);
    expect((await post('/v1/flows/console_demo/pause', {}, api.tokens.writer)).status).toBe(403);
    const doc = await get<{
      paths: Record<string, Record<string, { responses: Record<string, { content?: object }> }>>;
    }>('/openapi.json');
    for (const [path, method, status] of [
      ['/v1/flows', 'get', '200'],
      ['/v1/flows/{flowId}', 'get', '200'],
      ['/v1/flows/{flowId}/grid', 'get', '200'],
      ['/v1/flows/{flowId}/runs', 'post', '201'],
      ['/v1/runs/{runId}', 'get', '200'],
      ['/v1/runs/{runId}/gantt', 'get', '200'],
      ['/v1/runs/{runId}/tasks/{taskId}/logs', 'get', '200'],
      ['/v1/flows/{flowId}/backfill', 'post', '200'],
      ['/v1/pools', 'get', '200'],
      ['/v1/pools/{name}', 'put', '200'],
    ] as const)
      expect(doc.paths[path]?.[method]?.responses[status]?.content, `${method} ${path}`).toBeDefined();
  });

  // Last: grants belong to the role, so this restricts every reader token from here on.
  it('hides the tables a task uses from a principal whose grants do not include them', async () => {
    await api.sql('CREATE TABLE open_data (id BIGINT); CREATE TABLE secret_data (id BIGINT)');
    const restricted = await api.token('reader', [{ table: 'main.open_data' }]);
    const tasks = (token: string) =>
      get<{ tasks: { id: string; reads: string[]; writes: string[] }[] }>('/v1/flows/console_demo', token);
    expect((await tasks(restricted)).tasks[0]).toMatchObject({ id: 'extract', reads: ['main.open_data'], writes: [] });
    expect((await tasks(api.tokens.admin)).tasks[0]).toMatchObject({
      reads: ['main.open_data'],
      writes: ['main.secret_data'],
    });
  });
});
