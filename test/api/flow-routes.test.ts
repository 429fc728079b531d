/**
 * Flows over REST against a real server with a scheduler and worker running: list,
 * trigger with parameters (typed refusals for bad ones), follow the run to success,
 * task instances and logs, backfill dry run, pause; role checks.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { defineFlow, every, LocalFlowControl } from '../../src/flows/index.js';
import { describeBackends } from '../meta/helpers/backends.js';
import { openHarness, type Harness } from '../flows/helpers/flow-harness.js';
import { startTestApi, type TestApi } from './helpers/api-harness.js';

const flow = defineFlow(
  { id: 'api_demo', params: { n: 3 }, schedule: every('1d'), startDate: '2024-01-01T00:00:00Z', catchup: false },
  (f) => {
    const doubled = f.task('double', async (ctx) => ctx.params.n * 2);
    f.task('report', { inputs: { doubled } }, async (ctx, { doubled }) => {
      ctx.log(`doubled is ${doubled}`);
      return `n*2=${doubled}`;
    });
  },
);

describeBackends('flows over REST', (backend) => {
  let harness: Harness;
  let api: TestApi;
  beforeAll(async () => {
    harness = await openHarness(backend, { flows: [flow] });
    api = await startTestApi({
      catalog: harness.system.catalog,
      flows: new LocalFlowControl(harness.system),
      seed: false,
    });
  });
  afterAll(async () => {
    await api?.close();
    await harness?.close();
  });

  const json = (body: unknown) => ({
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

  it('lists flows and runs one with parameters to the end', async () => {
    const list = (await (await api.fetch('/v1/flows', { token: api.tokens.reader })).json()) as {
      flows: { id: string; tasks: number }[];
    };
    expect(list.flows).toEqual([expect.objectContaining({ id: 'api_demo', tasks: 2 })]);

    const triggered = await api.fetch('/v1/flows/api_demo/runs', {
      ...json({ params: { n: 21 } }),
      token: api.tokens.writer,
    });
    expect(triggered.status).toBe(201);
    const { runId } = (await triggered.json()) as { runId: number };
    expect(triggered.headers.get('location')).toBe(`/v1/runs/${runId}`);
    expect((await harness.waitForRun(runId)).state).toBe('success');

    const detail = (await (await api.fetch(`/v1/runs/${runId}`)).json()) as {
      run: { state: string; params: unknown };
      tasks: { taskId: string; state: string }[];
    };
    expect(detail.run).toMatchObject({ state: 'success', params: { n: 21 } });
    expect(detail.tasks.map((t) => [t.taskId, t.state])).toEqual([
      ['double', 'success'],
      ['report', 'success'],
    ]);

    const logs = (await (await api.fetch(`/v1/runs/${runId}/tasks/report/logs`)).json()) as {
      lines: { line: string }[];
      finished: boolean;
    };
    expect(logs.finished).toBe(true);
    expect(logs.lines.map((l) => l.line)).toContain('doubled is 42');

    const runs = (await (await api.fetch('/v1/flows/api_demo/runs?limit=5')).json()) as { runs: { id: number }[] };
    expect(runs.runs.map((r) => r.id)).toContain(runId);
  });

  it('refuses bad triggers with typed errors and creates no run', async () => {
    const before = ((await (await api.fetch('/v1/flows/api_demo/runs')).json()) as { runs: unknown[] }).runs.length;
    const wrongType = await api.fetch('/v1/flows/api_demo/runs', {
      ...json({ params: { n: 'many' } }),
      token: api.tokens.writer,
    });
    expect(wrongType.status).toBe(400);
    expect(await wrongType.json()).toMatchObject({ code: 'FLOW_PARAMS' });
    const unknownFlow = await api.fetch('/v1/flows/nope/runs', { ...json({}), token: api.tokens.writer });
    expect(unknownFlow.status).toBe(404);
    expect(await unknownFlow.json()).toMatchObject({ code: 'FLOW_NOT_FOUND' });
    const byReader = await api.fetch('/v1/flows/api_demo/runs', { ...json({}), token: api.tokens.reader });
    expect(byReader.status).toBe(403);
    const extraField = await api.fetch('/v1/flows/api_demo/runs', {
      ...json({ params: {}, bogus: 1 }),
      token: api.tokens.writer,
    });
    expect(extraField.status).toBe(400);
    expect(((await (await api.fetch('/v1/flows/api_demo/runs')).json()) as { runs: unknown[] }).runs.length).toBe(
      before,
    );
    expect((await api.fetch('/v1/runs/999999')).status).toBe(404);
  });

  it('plans a backfill and pauses a flow', async () => {
    const plan = await api.fetch('/v1/flows/api_demo/backfill', {
      ...json({ from: '2024-01-01', to: '2024-01-03', dryRun: true }),
      token: api.tokens.writer,
    });
    expect(plan.status).toBe(200);
    expect(((await plan.json()) as { create: string[] }).create).toHaveLength(3);
    const badDate = await api.fetch('/v1/flows/api_demo/backfill', {
      ...json({ from: 'yesterday', to: '2024-01-03' }),
      token: api.tokens.writer,
    });
    expect(badDate.status).toBe(400);
    expect((await api.fetch('/v1/flows/api_demo/pause', { method: 'POST', token: api.tokens.writer })).status).toBe(
      403,
    );
    expect(await (await api.fetch('/v1/flows/api_demo/pause', { method: 'POST' })).json()).toEqual({
      flowId: 'api_demo',
      paused: true,
    });
    const listed = (await (await api.fetch('/v1/flows')).json()) as { flows: { paused: boolean }[] };
    expect(listed.flows[0]!.paused).toBe(true);
  });
});
