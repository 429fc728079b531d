/** The SSE routes in the real server (ApiServer through the test harness): tokens, grants, commits. */
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './helpers/api-harness.js';
import { commits, connectSse, until } from './streams-support.js';

describe('SSE streams in the API server', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi({ server: { pollMs: 50 } });
  });

  afterAll(async () => {
    await api?.close();
  });

  it('streams commits made behind the server to a token holder, uncompressed', async () => {
    const client = await connectSse(`${api.url}/v1/streams/tables/sales`, {
      authorization: `Bearer ${api.tokens.reader}`,
      'accept-encoding': 'gzip, br',
    });
    expect(client.status).toBe(200);
    expect(client.headers['content-encoding']).toBeUndefined();
    await client.waitFor((frames) => frames.some((f) => f.event === 'ready'));
    await api.sql(`INSERT INTO sales VALUES (1000, 'EU', 1.0, DATE '2024-02-01')`);
    await client.waitFor((frames) => commits(frames).length === 1);
    expect(JSON.parse(commits(client.frames)[0]!.data)).toMatchObject({
      table: 'main.sales',
      changes: { rows: [{ id: 1000, _change_type: 'insert' }] },
    });
    client.close();
    await until(() => api.server.context.events.listenerCount() === 0, 5_000, 'the disconnect');
  });

  it('refuses requests without a token and tables outside a grant', async () => {
    expect((await connectSse(`${api.url}/v1/streams/tables/sales`)).status).toBe(401);
    const granted = await api.token('reader', [{ table: 'main.customers' }]);
    const hidden = await connectSse(`${api.url}/v1/streams/tables/sales`, { authorization: `Bearer ${granted}` });
    expect(hidden.status).toBe(404);
  });

  it('gives a row-filtered and column-limited reader a commit without counts, paths, predicates or rows', async () => {
    const limited = await api.token('writer', [{ table: 'main.sales', columns: ['id', 'day'], rowFilter: 'id < 50' }]);
    const client = await connectSse(`${api.url}/v1/streams/tables/sales`, { authorization: `Bearer ${limited}` });
    expect(client.status).toBe(200);
    await client.waitFor((frames) => frames.some((f) => f.event === 'ready'));
    await api.sql(`DELETE FROM sales WHERE region = 'APAC' AND amount > 120`);
    await client.waitFor((frames) => commits(frames).length === 1);
    const data = commits(client.frames)[0]!.data;
    expect(JSON.parse(data)).toEqual({
      table: 'main.sales',
      version: expect.any(Number),
      timestamp: expect.any(String),
      operation: 'DELETE',
      changes: null,
    });
    for (const hidden of ['APAC', 'amount', 'numDeletedRows', 'numRemovedFiles', 'parquet', api.warehouse])
      expect(data).not.toContain(hidden);
    client.close();
  });

  it('ends a stream whose table cannot be read with an error that names no server path', async () => {
    await api.sql(`CREATE TABLE gone (id BIGINT)`);
    const table = await api.catalog.getTable('main.gone');
    await rm(table.location.startsWith('file:') ? fileURLToPath(table.location) : table.location, { recursive: true });
    const client = await connectSse(`${api.url}/v1/streams/tables/gone`, {
      authorization: `Bearer ${api.tokens.admin}`,
    });
    await client.waitFor((frames) => frames.some((f) => f.event === 'error'));
    const error = client.frames.find((f) => f.event === 'error')!.data;
    expect(JSON.parse(error)).toMatchObject({ code: expect.any(String) });
    expect(error).not.toContain(api.warehouse);
    client.close();
  });
});
