/**
 * The flow part of the GraphQL schema against a real server with a scheduler and, once
 * a test starts it, a worker: `flows`, `trigger_flow` (writers only; bad parameters are
 * a FLOW_PARAMS error and create nothing), `run_changes(run_id)` over graphql-ws
 * following a run's task and run events to success, then `runs` and `run { tasks }`.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { defineFlow, every, LocalFlowControl } from '../../src/flows/index.js';
import { describeBackends } from '../meta/helpers/backends.js';
import { inProcessExecutor, openHarness, type Harness } from '../flows/helpers/flow-harness.js';
import { startTestApi, type TestApi } from './helpers/api-harness.js';
import { codes, gql, wsClient } from './helpers/graphql-client.js';

const flow = defineFlow(
  {
    id: 'gql_demo',
    description: 'doubles n',
    params: { n: 3 },
    schedule: every('1d'),
    startDate: '2024-01-01T00:00:00Z',
    catchup: false,
  },
  (f) => {
    const doubled = f.task('double', async (ctx) => ctx.params.n * 2);
    f.task('report', { inputs: { doubled } }, async (_ctx, { doubled }) => `n*2=${doubled}`);
  },
);

interface RunEvent {
  readonly id: string;
  readonly type: string;
  readonly run_id: string | null;
  readonly state: string | null;
  readonly data: Record<string, unknown>;
}

const RUN_FIELDS =
  'id flow_id kind state params tasks_total tasks_done tasks { task_id map_index state attempt max_attempts error }';

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describeBackends('GraphQL flows', (backend) => {
  let harness: Harness;
  let api: TestApi;
  beforeAll(async () => {
    // No worker yet: runs stay queued until a test starts one, so a subscriber sees them from the start.
    harness = await openHarness(backend, { flows: [flow], worker: false });
    api = await startTestApi({
      catalog: harness.system.catalog,
      flows: new LocalFlowControl(harness.system),
      seed: false,
      server: { pollMs: 50 },
    });
  });
  afterAll(async () => {
    await api?.close();
    await harness?.close();
  });

  const runCount = async () =>
    ((await gql(api, '{ runs(flow: "gql_demo", limit: 100) { id } }')).data?.runs as unknown[]).length;

  it('lists flows, and refuses bad triggers with typed errors, creating nothing', async () => {
    const flows = await gql(
      api,
      '{ flows { id description paused task_count active_runs schedule runs(limit: 5) { id } } }',
      { token: api.tokens.reader },
    );
    expect(flows.errors).toBeUndefined();
    expect(flows.data?.flows).toEqual([
      expect.objectContaining({
        id: 'gql_demo',
        description: 'doubles n',
        paused: false,
        task_count: 2,
        active_runs: 0,
        runs: [],
      }),
    ]);

    const before = await runCount();
    const wrongType = await gql(api, 'mutation { trigger_flow(flow: "gql_demo", params: { n: "many" }) { run_id } }', {
      token: api.tokens.writer,
    });
    expect(codes(wrongType)).toEqual(['FLOW_PARAMS']);
    expect(wrongType.status).toBeLessThan(500);
    const unknownParam = await gql(
      api,
      'mutation ($p: JSON) { trigger_flow(flow: "gql_demo", params: $p) { run_id } }',
      { token: api.tokens.writer, variables: { p: { n: 1, bogus: true } } },
    );
    expect(codes(unknownParam)).toEqual(['FLOW_PARAMS']);
    const notAnObject = await gql(api, 'mutation { trigger_flow(flow: "gql_demo", params: [1, 2]) { run_id } }', {
      token: api.tokens.writer,
    });
    expect(codes(notAnObject)).toEqual(['FLOW_PARAMS']);
    const unknownFlow = await gql(api, 'mutation { trigger_flow(flow: "nope") { run_id } }', {
      token: api.tokens.writer,
    });
    expect(codes(unknownFlow)).toEqual(['FLOW_NOT_FOUND']);
    // Readers' schemas have no mutations on flows at all.
    const byReader = await gql(api, 'mutation { trigger_flow(flow: "gql_demo") { run_id } }', {
      token: api.tokens.reader,
    });
    expect(codes(byReader)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(await runCount()).toBe(before);

    expect(codes(await gql(api, '{ runs(limit: -1) { id } }'))).toEqual(['GRAPHQL_BAD_INPUT']);
    expect((await gql(api, '{ run(id: "999999") { id } }')).data).toEqual({ run: null });
    expect((await gql(api, '{ run(id: "abc") { id } }')).data).toEqual({ run: null });
  });

  it('triggers a run and follows its task and run events over graphql-ws to success', async () => {
    const triggered = await gql(
      api,
      `mutation { trigger_flow(flow: "gql_demo", params: { n: 21 }) { run_id created state run { ${RUN_FIELDS} } } }`,
      { token: api.tokens.writer },
    );
    expect(triggered.errors).toBeUndefined();
    const {
      run_id: runId,
      created,
      run,
    } = triggered.data?.trigger_flow as {
      run_id: string;
      created: boolean;
      run: { state: string; params: unknown; tasks_total: number };
    };
    expect(created).toBe(true);
    expect(run).toMatchObject({
      id: runId,
      flow_id: 'gql_demo',
      kind: 'manual',
      params: { n: 21 },
      tasks_total: 2,
      tasks_done: 0,
    });
    expect(run.state).not.toBe('success');

    const client = wsClient(api, api.tokens.reader);
    const events: RunEvent[] = [];
    let failure: unknown;
    let completed = false;
    const unsubscribe = client.subscribe<{ run_changes: RunEvent }>(
      {
        query: 'subscription ($id: ID) { run_changes(run_id: $id) { id type run_id state data } }',
        variables: { id: runId },
      },
      {
        next: (result) => (result.data ? events.push(result.data.run_changes) : (failure = result.errors)),
        error: (error) => (failure = error),
        complete: () => (completed = true),
      },
    );
    try {
      // The run's topic baseline is read when the first listener attaches; start the worker after that.
      await until(() => api.server.context.events.listenerCount(`runs/${runId}`) > 0, 'the subscription to attach');
      await new Promise((resolve) => setTimeout(resolve, 200));
      await harness.system.startWorker({ executor: inProcessExecutor([flow]), pollMs: 20, leaseMs: 30_000 });
      await until(
        () => failure !== undefined || completed || events.some((e) => e.type === 'run' && e.state === 'success'),
        'the run to succeed',
      );
      expect(failure).toBeUndefined();
      expect(events.every((e) => e.run_id === runId)).toBe(true);
      const tasks = events.filter((e) => e.type === 'task');
      expect(
        tasks
          .filter((e) => e.state === 'success')
          .map((e) => e.data.taskId)
          .sort(),
      ).toEqual(['double', 'report']);
      // Tasks are published before the run state that follows from them.
      expect(events.at(-1)).toMatchObject({ type: 'run', state: 'success', data: { id: Number(runId), tasksDone: 2 } });
    } finally {
      unsubscribe();
      await client.dispose();
    }

    const detail = await gql(api, `query ($id: ID!) { run(id: $id) { ${RUN_FIELDS} } }`, {
      variables: { id: runId },
      token: api.tokens.reader,
    });
    expect(detail.errors).toBeUndefined();
    expect(detail.data?.run).toMatchObject({
      id: runId,
      state: 'success',
      params: { n: 21 },
      tasks_total: 2,
      tasks_done: 2,
    });
    expect((detail.data?.run as { tasks: unknown[] }).tasks).toEqual([
      { task_id: 'double', map_index: -1, state: 'success', attempt: 1, max_attempts: expect.any(Number), error: null },
      { task_id: 'report', map_index: -1, state: 'success', attempt: 1, max_attempts: expect.any(Number), error: null },
    ]);
    const runs = await gql(
      api,
      '{ runs(flow: "gql_demo", limit: 5) { id state } all: runs { id } flows { runs(limit: 1) { id } } }',
      { token: api.tokens.reader },
    );
    expect(runs.errors).toBeUndefined();
    expect(runs.data?.runs).toEqual([{ id: runId, state: 'success' }]);
    expect(runs.data?.all).toEqual([{ id: runId }]);
    expect(runs.data?.flows).toEqual([{ runs: [{ id: runId }] }]);
  });

  it('answers run_changes for a run that does not exist with an error', async () => {
    const client = wsClient(api, api.tokens.reader);
    try {
      const outcome = await new Promise<unknown>((resolve) => {
        client.subscribe(
          { query: 'subscription { run_changes(run_id: "999999") { id } }' },
          { next: (result) => resolve(result), error: resolve, complete: () => resolve('complete') },
        );
      });
      expect(JSON.stringify(outcome)).toContain('FLOW_RUN_NOT_FOUND');
      const malformed = await new Promise<unknown>((resolve) => {
        client.subscribe(
          { query: 'subscription { run_changes(run_id: "x") { id } }' },
          { next: (result) => resolve(result), error: resolve, complete: () => resolve('complete') },
        );
      });
      expect(JSON.stringify(malformed)).toContain('GRAPHQL_BAD_INPUT');
    } finally {
      await client.dispose();
    }
  });
});
