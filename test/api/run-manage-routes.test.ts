/**
 * Managing runs over REST (`POST /v1/runs/{id}/cancel|clear|mark-failed|mark-success`,
 * writers only) and GraphQL (`cancel_run`, `clear_run`, `mark_run`), against a real
 * server whose flow has no worker, so runs stay where the test puts them.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { defineFlow, LocalFlowControl } from '../../src/flows/index.js';
import { describeBackends } from '../meta/helpers/backends.js';
import { openHarness, type Harness } from '../flows/helpers/flow-harness.js';
import { startTestApi, type TestApi } from './helpers/api-harness.js';
import { codes, gql } from './helpers/graphql-client.js';

const flow = defineFlow({ id: 'managed' }, (f) => {
  const first = f.task('first', async () => 1);
  f.task('second', { after: [first] }, async () => 2);
});

describeBackends('managing runs over REST and GraphQL', (backend) => {
  let harness: Harness;
  let api: TestApi;
  beforeAll(async () => {
    harness = await openHarness(backend, { flows: [flow], worker: false });
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

  const post = (path: string, token: string | undefined, body?: unknown) =>
    api.fetch(path, {
      method: 'POST',
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      ...(token === undefined ? {} : { token }),
    });

  it('cancels, clears and marks a run; readers are refused, a finished run cannot be cancelled', async () => {
    const { runId } = await harness.system.trigger('managed');
    expect((await post(`/v1/runs/${runId}/cancel`, api.tokens.reader)).status).toBe(403);
    const cancelled = await post(`/v1/runs/${runId}/cancel`, api.tokens.writer);
    expect(cancelled.status).toBe(200);
    expect(await cancelled.json()).toMatchObject({ run: { id: runId, state: 'cancelled' }, cleared: [] });
    const again = await post(`/v1/runs/${runId}/cancel`, api.tokens.writer);
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: 'FLOW_RUN_STATE' });

    const cleared = await post(`/v1/runs/${runId}/clear`, api.tokens.writer, {});
    expect(await cleared.json()).toMatchObject({ run: { state: 'running' }, cleared: ['first', 'second'] });
    const marked = await post(`/v1/runs/${runId}/mark-success`, api.tokens.writer, { taskId: 'first' });
    expect(await marked.json()).toMatchObject({ run: { state: 'running', tasksDone: 1 } });
    const failed = await post(`/v1/runs/${runId}/mark-failed`, api.tokens.writer);
    expect(await failed.json()).toMatchObject({ run: { state: 'failed' } });
    const unknownTask = await post(`/v1/runs/${runId}/mark-failed`, api.tokens.writer, { taskId: 'nope' });
    expect(unknownTask.status).toBe(404);
    expect((await post('/v1/runs/999999/cancel', api.tokens.writer)).status).toBe(404);
  });

  it('cancels, clears and marks a run with GraphQL mutations', async () => {
    const { runId } = await harness.system.trigger('managed');
    const cancel = await gql(api, `mutation { cancel_run(id: "${runId}") { id state tasks { task_id state } } }`, {
      token: api.tokens.writer,
    });
    expect(cancel.data).toEqual({
      cancel_run: {
        id: String(runId),
        state: 'cancelled',
        tasks: [
          { task_id: 'first', state: 'cancelled' },
          { task_id: 'second', state: 'cancelled' },
        ],
      },
    });
    const clear = await gql(api, `mutation { clear_run(id: "${runId}") { state } }`, {
      token: api.tokens.writer,
    });
    expect(clear.data).toEqual({ clear_run: { state: 'running' } });
    const mark = await gql(api, `mutation { mark_run(id: "${runId}", state: success) { state } }`, {
      token: api.tokens.writer,
    });
    expect(mark.data).toEqual({ mark_run: { state: 'success' } });
    const byReader = await gql(api, `mutation { cancel_run(id: "${runId}") { state } }`, { token: api.tokens.reader });
    expect(codes(byReader)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });

  it('says no worker has claimed a queued task, over REST and GraphQL', async () => {
    const triggered = await post('/v1/flows/managed/runs', api.tokens.writer, {});
    const { runId, liveWorkers, notice } = (await triggered.json()) as {
      runId: number;
      liveWorkers: number;
      notice: string;
    };
    expect(liveWorkers).toBe(0);
    expect(notice).toContain('no worker is running: start one with `strata worker`');
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    const detail = (await (await api.fetch(`/v1/runs/${runId}`)).json()) as {
      liveWorkers: number;
      etaMs: number | null;
      tasks: { taskId: string; notice: string | null }[];
    };
    expect(detail).toMatchObject({ liveWorkers: 0, etaMs: null });
    expect(detail.tasks[0]!.notice).toMatch(/^no worker has claimed this for \d+ s \(no worker is running/);
    expect(detail.tasks[1]!.notice).toBeNull();
    const answer = await gql(
      api,
      `{ run(id: "${runId}") { live_workers failed_attempts { message } tasks { notice } } }`,
    );
    expect(answer.data).toMatchObject({
      run: {
        live_workers: 0,
        failed_attempts: [],
        tasks: [{ notice: expect.stringContaining('no worker has claimed') }, { notice: null }],
      },
    });
  });
});
