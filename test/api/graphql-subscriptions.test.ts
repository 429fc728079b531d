/**
 * Subscriptions with real clients: graphql-ws (`ws` WebSocket) and graphql-sse
 * (distinct connections) each receive a commit made after subscribing, with its
 * changed rows from the change data feed; a bad token cannot open a WebSocket.
 */
import { createClient as createWsClient } from 'graphql-ws';
import { createClient as createSseClient } from 'graphql-sse';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGraphqlServer, type GraphqlTestServer } from './graphql-test-server.js';
import { gql } from './graphql-support.js';

const SUBSCRIPTION = 'subscription { sales_changes { table version operation rows { id region _change_type } } }';

interface Commit {
  readonly table: string;
  readonly version: number;
  readonly operation: string;
  readonly rows: { id: number; region: string; _change_type: string }[];
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

describe('GraphQL subscriptions', () => {
  let api: GraphqlTestServer;
  beforeAll(async () => {
    api = await startGraphqlServer();
  });
  afterAll(async () => {
    await api?.close();
  });

  async function insert(id: number): Promise<void> {
    const answer = await gql(api, `mutation { insert_sales(objects: [{ id: ${id}, region: "NEW" }]) { affected_rows } }`);
    expect(answer.errors).toBeUndefined();
  }

  it('delivers a commit over graphql-ws', async () => {
    const client = createWsClient({ url: `${api.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${api.tokens.reader}` } });
    try {
      const received = new Promise<Commit>((resolve, reject) => {
        client.subscribe<{ sales_changes: Commit }>({ query: SUBSCRIPTION }, {
          next: (result) => (result.data ? resolve(result.data.sales_changes) : reject(new Error(JSON.stringify(result.errors)))),
          error: reject,
          complete: () => undefined,
        });
      });
      await settle();
      await insert(1001);
      const commit = await received;
      expect(commit).toMatchObject({ table: 'main.sales', operation: 'WRITE', rows: [{ id: 1001, region: 'NEW', _change_type: 'insert' }] });
    } finally {
      await client.dispose();
    }
  });

  it('delivers a commit over graphql-sse', async () => {
    const client = createSseClient({ url: `${api.url}/graphql/stream`, headers: { authorization: `Bearer ${api.tokens.reader}` } });
    const events = client.iterate<{ sales_changes: Commit }>({ query: SUBSCRIPTION });
    try {
      const first = events.next();
      await settle();
      await insert(1002);
      const result = await first;
      expect(result.done).toBe(false);
      expect(result.value?.data?.sales_changes).toMatchObject({ table: 'main.sales', rows: [{ id: 1002, _change_type: 'insert' }] });
    } finally {
      await events.return?.(undefined);
      client.dispose();
    }
  });

  it('refuses a WebSocket with a bad token, and answers bad subscriptions with errors', async () => {
    const bad = createWsClient({ url: `${api.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: 'Bearer nope' }, retryAttempts: 0 });
    const closed = await new Promise<unknown>((resolve) => {
      bad.subscribe({ query: SUBSCRIPTION }, { next: () => undefined, error: resolve, complete: () => resolve('complete') });
    });
    expect((closed as { code?: number }).code).toBe(4403);
    await bad.dispose();

    const client = createWsClient({ url: `${api.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${api.tokens.reader}` } });
    const errors = await new Promise<unknown>((resolve) => {
      client.subscribe({ query: 'subscription { nope_changes { version } }' }, { next: () => undefined, error: resolve, complete: () => resolve('complete') });
    });
    expect(JSON.stringify(errors)).toContain('GRAPHQL_VALIDATION_FAILED');
    await client.dispose();
  });
});
