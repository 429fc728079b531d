/**
 * Subscriptions with real clients: graphql-ws (`ws` WebSocket) and graphql-sse
 * (distinct connections and single connection mode, and a node:http2 client on the
 * server's h2c port) each receive a commit made after subscribing, with its changed
 * rows from the change data feed; a bad token cannot open a WebSocket; malformed
 * requests to /graphql/stream get a prompt 4xx with the API's error body.
 */
import * as http2 from 'node:http2';
import { createClient as createSseClient } from 'graphql-sse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './helpers/api-harness.js';
import { gql, wsClient } from './helpers/graphql-client.js';

const SUBSCRIPTION = 'subscription { sales_changes { table version operation rows { id region _change_type } } }';

interface Commit {
  readonly table: string;
  readonly version: number;
  readonly operation: string;
  readonly rows: { id: number; region: string; _change_type: string }[];
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

interface H2Stream {
  readonly status: Promise<number>;
  readonly headers: Promise<http2.IncomingHttpHeaders>;
  /** Resolves with the data of the first `next` event. */
  readonly next: Promise<unknown>;
  close(): void;
}

/** A graphql-sse distinct-connection subscription over HTTP/2 (prior knowledge, no TLS). */
function h2Subscribe(session: http2.ClientHttp2Session, headers: http2.OutgoingHttpHeaders, body?: string): H2Stream {
  const request = session.request({ accept: 'text/event-stream', ...headers }, { endStream: body === undefined });
  if (body !== undefined) request.end(body);
  const responded = new Promise<http2.IncomingHttpHeaders>((resolve, reject) => {
    request.once('response', resolve);
    request.once('error', reject);
  });
  const next = new Promise<unknown>((resolve, reject) => {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      text += chunk;
      for (const message of text.split('\n\n').slice(0, -1)) {
        const lines = message.split('\n');
        if (lines.includes('event: next'))
          resolve(JSON.parse(lines.find((l) => l.startsWith('data: '))!.slice('data: '.length)));
      }
    });
    request.once('end', () => reject(new Error(`stream ended before a next event: ${text}`)));
    request.once('error', reject);
  });
  next.catch(() => undefined);
  return {
    headers: responded,
    status: responded.then((h) => Number(h[':status'])),
    next,
    close: () => request.close(),
  };
}

describe('GraphQL subscriptions', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    await api?.close();
  });

  async function insert(id: number): Promise<void> {
    const answer = await gql(
      api,
      `mutation { insert_sales(objects: [{ id: ${id}, region: "NEW" }]) { affected_rows } }`,
    );
    expect(answer.errors).toBeUndefined();
  }

  it('delivers a commit over graphql-ws', async () => {
    const client = wsClient(api, api.tokens.reader);
    try {
      const received = new Promise<Commit>((resolve, reject) => {
        client.subscribe<{ sales_changes: Commit }>(
          { query: SUBSCRIPTION },
          {
            next: (result) =>
              result.data ? resolve(result.data.sales_changes) : reject(new Error(JSON.stringify(result.errors))),
            error: reject,
            complete: () => undefined,
          },
        );
      });
      await settle();
      await insert(1001);
      const commit = await received;
      expect(commit).toMatchObject({
        table: 'main.sales',
        operation: 'WRITE',
        rows: [{ id: 1001, region: 'NEW', _change_type: 'insert' }],
      });
    } finally {
      await client.dispose();
    }
  });

  it('delivers a commit over graphql-sse', async () => {
    const client = createSseClient({
      url: `${api.url}/graphql/stream`,
      headers: { authorization: `Bearer ${api.tokens.reader}` },
    });
    const events = client.iterate<{ sales_changes: Commit }>({ query: SUBSCRIPTION });
    try {
      const first = events.next();
      await settle();
      await insert(1002);
      const result = await first;
      expect(result.done).toBe(false);
      expect(result.value?.data?.sales_changes).toMatchObject({
        table: 'main.sales',
        rows: [{ id: 1002, _change_type: 'insert' }],
      });
    } finally {
      await events.return?.(undefined);
      client.dispose();
    }
  });

  it('delivers a commit over graphql-sse in single connection mode', async () => {
    const client = createSseClient({
      url: `${api.url}/graphql/stream`,
      headers: { authorization: `Bearer ${api.tokens.reader}` },
      singleConnection: true,
    });
    const events = client.iterate<{ sales_changes: Commit }>({ query: SUBSCRIPTION });
    try {
      const first = events.next();
      await settle();
      await insert(1003);
      const result = await first;
      expect(result.value?.data?.sales_changes).toMatchObject({
        table: 'main.sales',
        rows: [{ id: 1003, _change_type: 'insert' }],
      });
    } finally {
      await events.return?.(undefined);
      client.dispose();
    }
  });

  it('delivers a commit over graphql-sse on HTTP/2, by POST and by GET', async () => {
    const session = http2.connect(api.url);
    try {
      const authorization = `Bearer ${api.tokens.reader}`;
      const byPost = h2Subscribe(
        session,
        { ':method': 'POST', ':path': '/graphql/stream', 'content-type': 'application/json', authorization },
        JSON.stringify({ query: SUBSCRIPTION }),
      );
      const byGet = h2Subscribe(session, {
        ':method': 'GET',
        ':path': `/graphql/stream?query=${encodeURIComponent(SUBSCRIPTION)}`,
        authorization,
      });
      for (const stream of [byPost, byGet]) {
        expect(await stream.status).toBe(200);
        expect((await stream.headers)['content-type']).toMatch(/^text\/event-stream/);
      }
      await settle();
      await insert(1004);
      for (const stream of [byPost, byGet]) {
        expect(await stream.next).toMatchObject({
          data: { sales_changes: { table: 'main.sales', rows: [{ id: 1004, _change_type: 'insert' }] } },
        });
        stream.close();
      }
    } finally {
      session.close();
    }
  });

  it('answers malformed /graphql/stream requests at once with a 4xx and the API error body', async () => {
    const malformed = '/graphql/stream?nope=fts.x&limit=%E2%90%85&offset=day.desc';
    for (const accept of ['text/event-stream', 'application/json', '*/*', 'image/png', undefined]) {
      for (const method of ['GET', 'POST', 'DELETE']) {
        const response = await api.fetch(malformed, {
          method,
          headers: accept === undefined ? {} : { accept },
          signal: AbortSignal.timeout(5000),
        });
        expect(response.status, `${method} ${accept}`).toBeGreaterThanOrEqual(400);
        expect(response.status, `${method} ${accept}`).toBeLessThan(500);
        expect(await response.json()).toMatchObject({
          code: expect.any(String),
          message: expect.any(String),
          details: expect.any(Object),
        });
      }
    }
    // A stream registered by one token (PUT) is nobody else's: another token's GET finds no stream.
    const put = await api.fetch('/graphql/stream', { method: 'PUT', token: api.tokens.writer });
    expect(put.status).toBe(201);
    const streamToken = await put.text();
    const foreign = await api.fetch('/graphql/stream', {
      headers: { accept: 'text/event-stream', 'x-graphql-event-stream-token': streamToken },
      token: api.tokens.reader,
      signal: AbortSignal.timeout(5000),
    });
    expect(foreign.status).toBe(400);
    const tokenless = await api.fetch(malformed, {
      headers: { accept: 'text/event-stream' },
      token: api.tokens.writer,
      signal: AbortSignal.timeout(5000),
    });
    expect(tokenless.status).toBe(400);
    // Operations refused before they run are HTTP errors with the GraphQL code.
    const invalid = await api.fetch('/graphql/stream', {
      method: 'POST',
      headers: { accept: 'text/event-stream', 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'subscription { nope_changes { version } }' }),
      signal: AbortSignal.timeout(5000),
    });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({
      code: 'GRAPHQL_VALIDATION_FAILED',
      details: { errors: [expect.objectContaining({ message: expect.any(String) })] },
    });
  });

  it('refuses a WebSocket with a bad token, and answers bad subscriptions with errors', async () => {
    const bad = wsClient(api, 'nope', { retryAttempts: 0 });
    const closed = await new Promise<unknown>((resolve) => {
      bad.subscribe(
        { query: SUBSCRIPTION },
        { next: () => undefined, error: resolve, complete: () => resolve('complete') },
      );
    });
    expect((closed as { code?: number }).code).toBe(4403);
    await bad.dispose();

    const client = wsClient(api, api.tokens.reader);
    const errors = await new Promise<unknown>((resolve) => {
      client.subscribe(
        { query: 'subscription { nope_changes { version } }' },
        { next: () => undefined, error: resolve, complete: () => resolve('complete') },
      );
    });
    expect(JSON.stringify(errors)).toContain('GRAPHQL_VALIDATION_FAILED');
    await client.dispose();
  });

  // Last in this file: the grant applies to the reader role, so to every reader token.
  it('tells a row-filtered reader nothing about how many rows a commit changed', async () => {
    const filtered = await api.token('reader', [{ table: 'main.sales', rowFilter: "region = 'EU'" }]);
    const client = wsClient(api, filtered);
    const query = 'subscription { sales_changes { version operation rows { id } rows_truncated } }';
    try {
      const received = new Promise<Record<string, unknown>>((resolve, reject) => {
        client.subscribe<{ sales_changes: Record<string, unknown> }>(
          { query },
          {
            next: (result) =>
              result.data ? resolve(result.data.sales_changes) : reject(new Error(JSON.stringify(result.errors))),
            error: reject,
            complete: () => undefined,
          },
        );
      });
      await settle();
      // More changed rows than one event carries (1,000): the event is truncated for those who see rows.
      await api.sql(`INSERT INTO sales SELECT i, 'US', 1, DATE '2024-01-01' FROM range(20000, 21001) t(i)`);
      expect(await received).toMatchObject({ operation: 'WRITE', rows: null, rows_truncated: false });
    } finally {
      await client.dispose();
    }
  });
});
