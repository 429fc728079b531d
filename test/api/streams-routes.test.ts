/**
 * The SSE routes over real sockets, on a small Fastify app wired like the server
 * (principal per request, JSON errors from error-mapping): a commit reaching 200
 * clients with one read, resumption with Last-Event-ID, headers, retry and heartbeats,
 * disconnects stopping the source, grants, HTTP/2, and dropping a client that cannot keep up.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as http2 from 'node:http2';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiContext } from '../../src/api/api-context.js';
import { LOCAL_ADMIN, type Principal } from '../../src/catalog/index.js';
import '../../src/api/auth/request-principal.js';
import { CatalogTableAccess } from '../../src/api/auth/table-access.js';
import { toHttpError } from '../../src/api/error-mapping.js';
import { ApiMetrics } from '../../src/api/observability/metrics.js';
import { EventHub } from '../../src/api/streams/event-hub.js';
import { SseClient, type SseResponse } from '../../src/api/streams/sse-client.js';
import { registerStreamRoutes } from '../../src/api/streams/stream-routes.js';
import { Catalog, initWarehouse } from '../../src/catalog/index.js';
import { SqlSession } from '../../src/engine/index.js';
import { commits, connectSse, until, type SseConnection } from './streams-support.js';

const grant = (table: string, columns: string[] | null = null) => [table, { table, columns, rowFilter: null }] as const;
const PRINCIPALS: Record<string, Principal> = {
  admin: LOCAL_ADMIN,
  limited: { tokenId: 'l', name: 'limited', role: 'reader', grants: new Map([grant('main.plain')]) },
  columns: { tokenId: 'c', name: 'columns', role: 'reader', grants: new Map([grant('main.sales', ['id', 'region'])]) },
};

function streamApp(ctx: ApiContext, options: { http2?: boolean } = {}): FastifyInstance {
  const app = (options.http2
    ? Fastify({ http2: true, forceCloseConnections: true })
    : Fastify({ forceCloseConnections: true })) as unknown as FastifyInstance;
  app.decorateRequest('principal', undefined);
  app.addHook('onRequest', async (request) => {
    request.principal = PRINCIPALS[String(request.headers['x-test-principal'] ?? 'admin')];
  });
  app.setErrorHandler((error, _request, reply) => {
    const mapped = toHttpError(error);
    void reply.code(mapped.status).send(mapped.body);
  });
  registerStreamRoutes(app, ctx, { retryMs: 1500 });
  return app;
}

describe('SSE stream routes', () => {
  let directory: string;
  let catalog: Catalog;
  let session: SqlSession;
  let hub: EventHub;
  let app: FastifyInstance;
  let url: string;
  const metrics = new ApiMetrics({ processMetrics: false });
  const sql = async (statement: string) => void (await session.execute(statement));
  const version = async (table: string) => (await catalog.openTable(table)).version;
  const ready = (c: SseConnection) => c.waitFor((frames) => frames.some((f) => f.event === 'ready'));
  const openClients = async () => (await metrics.snapshot()).strata_stream_clients;
  let context: ApiContext;

  beforeAll(async () => {
    directory = mkdtempSync(path.join(tmpdir(), 'strata-sse-'));
    await initWarehouse(directory);
    catalog = await Catalog.open({ warehouse: directory });
    session = new SqlSession(catalog);
    await sql(`CREATE TABLE sales (id BIGINT, region VARCHAR, amount DOUBLE) TBLPROPERTIES ('delta.enableChangeDataFeed' = 'true');
      CREATE TABLE plain (id BIGINT)`);
    hub = EventHub.open({ catalog, flows: undefined, metrics, pollMs: 5_000, heartbeatMs: 100 });
    context = {
      catalog,
      tables: new CatalogTableAccess(catalog),
      events: hub,
      flows: undefined,
      metrics,
    } as unknown as ApiContext;
    app = streamApp(context);
    url = await app.listen({ host: '127.0.0.1', port: 0 });
  });

  afterAll(async () => {
    hub?.close();
    await app?.close();
    await catalog?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('broadcasts one commit to 200 concurrent clients, reading it once', async () => {
    const clients = await Promise.all(Array.from({ length: 200 }, () => connectSse(`${url}/v1/streams/tables/sales`)));
    await Promise.all(clients.map(ready));
    expect(hub.listenerCount('tables/main.sales')).toBe(200);
    expect(await openClients()).toBe(200);
    const reads = hub.stats().sourceReads;
    await sql(`INSERT INTO sales VALUES (1, 'EU', 2.5)`);
    hub.tableCommitted('sales');
    const committed = await version('sales');
    await Promise.all(clients.map((c) => c.waitFor((frames) => commits(frames).length === 1)));
    expect(hub.stats().sourceReads - reads).toBe(1);
    for (const client of clients) {
      const [frame] = commits(client.frames);
      expect(frame!.id).toBe(String(committed));
      expect(JSON.parse(frame!.data)).toMatchObject({
        table: 'main.sales',
        version: committed,
        changes: { rows: [{ id: 1, region: 'EU', amount: 2.5, _change_type: 'insert' }], truncated: false },
      });
    }
    clients.forEach((c) => c.close());
    await until(() => hub.listenerCount() === 0 && hub.stats().topics === 0, 15_000, 'every listener to be removed');
    await until(async () => (await openClients()) === 0, 15_000, 'the open-stream gauge to return to 0');
  });

  it('sends SSE headers, the retry hint and heartbeats', async () => {
    const client = await connectSse(`${url}/v1/streams/tables/main.sales`);
    expect(client.status).toBe(200);
    expect(client.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(client.headers['cache-control']).toBe('no-cache, no-transform');
    expect(client.headers['x-accel-buffering']).toBe('no');
    expect(client.headers['content-encoding']).toBeUndefined();
    await ready(client);
    expect(client.retry()).toBe(1500);
    expect(JSON.parse(client.frames.find((f) => f.event === 'ready')!.data)).toEqual({ topic: 'tables/main.sales' });
    await until(() => client.comments() >= 2, 5_000, 'two heartbeats');
    client.close();
  });

  it('resumes from Last-Event-ID (header or query) with exactly the missed commits', async () => {
    const first = await connectSse(`${url}/v1/streams/tables/sales`);
    await ready(first);
    const seen = await version('sales');
    first.close();
    await until(() => hub.listenerCount() === 0, 5_000, 'the disconnect');
    for (let i = 0; i < 3; i++) await sql(`INSERT INTO sales VALUES (${10 + i}, 'US', 1)`);
    const resumed = await connectSse(`${url}/v1/streams/tables/sales`, { 'last-event-id': String(seen) });
    await ready(resumed);
    expect(commits(resumed.frames).map((f) => Number(f.id))).toEqual([seen + 1, seen + 2, seen + 3]);
    // The replay comes before `ready`: the client is live from there on.
    expect(resumed.frames.at(-1)!.event).toBe('ready');
    const byQuery = await connectSse(`${url}/v1/streams/tables/sales?lastEventId=${seen + 2}`);
    await ready(byQuery);
    expect(commits(byQuery.frames).map((f) => Number(f.id))).toEqual([seen + 3]);
    await sql(`INSERT INTO sales VALUES (20, 'US', 1)`);
    hub.tableCommitted('sales');
    await resumed.waitFor((frames) => commits(frames).length === 4);
    await byQuery.waitFor((frames) => commits(frames).length === 2);
    expect(commits(byQuery.frames).map((f) => Number(f.id))).toEqual([seen + 3, seen + 4]);
    resumed.close();
    byQuery.close();
  });

  it('answers ungranted or missing tables, bad ids and flow-less run streams with JSON errors', async () => {
    const hidden = await connectSse(`${url}/v1/streams/tables/sales`, { 'x-test-principal': 'limited' });
    expect(hidden.status).toBe(404);
    await hidden.ended;
    expect(JSON.parse(hidden.body())).toMatchObject({ code: 'CATALOG_TABLE_NOT_FOUND' });
    expect((await connectSse(`${url}/v1/streams/tables/nope`)).status).toBe(404);
    expect((await connectSse(`${url}/v1/streams/runs`)).status).toBe(404);
    expect((await connectSse(`${url}/v1/streams/runs/7`)).status).toBe(404);
    expect((await connectSse(`${url}/v1/streams/tables/sales`, { 'last-event-id': 'x' })).status).toBe(400);
    const granted = await connectSse(`${url}/v1/streams/tables/plain`, { 'x-test-principal': 'limited' });
    expect(granted.status).toBe(200);
    granted.close();
    await until(() => hub.listenerCount() === 0, 5_000, 'the disconnect');
  });

  it('sends commits without change rows to principals limited to some columns', async () => {
    const limited = await connectSse(`${url}/v1/streams/tables/sales`, { 'x-test-principal': 'columns' });
    const admin = await connectSse(`${url}/v1/streams/tables/sales`);
    await Promise.all([ready(limited), ready(admin)]);
    await sql(`INSERT INTO sales VALUES (30, 'EU', 99)`);
    hub.tableCommitted('sales');
    await Promise.all([limited, admin].map((c) => c.waitFor((frames) => commits(frames).length === 1)));
    const summary = JSON.parse(commits(limited.frames)[0]!.data) as Record<string, unknown>;
    // What the commit says about rows (parameters, metrics) is hidden too, as in the table's history.
    expect(Object.keys(summary).sort()).toEqual(['changes', 'operation', 'table', 'timestamp', 'version']);
    expect(summary).toMatchObject({ changes: null, operation: 'WRITE' });
    const full = JSON.parse(commits(admin.frames)[0]!.data);
    expect(full.changes.rows).toHaveLength(1);
    expect(full.operationMetrics).toMatchObject({ numOutputRows: '1' });
    limited.close();
    admin.close();
  });

  it('streams over HTTP/2 too', async () => {
    const h2 = streamApp(context, { http2: true });
    const h2url = await h2.listen({ host: '127.0.0.1', port: 0 });
    const session2 = http2.connect(h2url);
    try {
      const stream = session2.request({ ':path': '/v1/streams/tables/sales' });
      let text = '';
      let status = 0;
      stream.on('response', (headers) => {
        status = Number(headers[':status']);
      });
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        text += chunk;
      });
      await until(() => text.includes('event: ready'), 20_000, 'ready over HTTP/2');
      expect(status).toBe(200);
      await sql(`INSERT INTO sales VALUES (40, 'APAC', 1)`);
      hub.tableCommitted('sales');
      const committed = await version('sales');
      await until(() => text.includes(`id: ${committed}\nevent: commit`), 20_000, 'the commit over HTTP/2');
      stream.close();
      await until(() => hub.listenerCount() === 0, 20_000, 'the HTTP/2 stream to be detached');
    } finally {
      // destroy, not close: a graceful close waits for an open stream, and would hide a failed wait above behind the test timeout.
      session2.destroy();
      await h2.close();
    }
  });

  it('disconnects a client whose unsent bytes exceed the bound instead of buffering', () => {
    let destroyed = false;
    const writes: Buffer[] = [];
    const response = {
      writableLength: 0,
      write: (b: Buffer) => writes.push(b),
      destroy: () => void (destroyed = true),
      end: () => undefined,
    };
    const client = new SseClient(response as unknown as SseResponse, 100);
    client.write(Buffer.from('a'));
    response.writableLength = 101;
    client.write(Buffer.from('b'));
    client.write(Buffer.from('c'));
    expect(writes.map(String)).toEqual(['a']);
    expect(destroyed).toBe(true);
    expect(client.closed).toBe(true);
  });
});
