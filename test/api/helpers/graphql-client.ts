/**
 * GraphQL clients for tests against the API harness: POST an operation and read the
 * JSON answer, and a graphql-ws client authenticated with a token.
 */
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { TestApi } from './api-harness.js';

/** The part of the harness the helpers use. */
export type ServerLike = Pick<TestApi, 'fetch'>;

export interface GraphqlAnswer {
  readonly status: number;
  readonly data?: Record<string, unknown> | null;
  readonly errors?: { message: string; extensions?: { code?: string } & Record<string, unknown> }[];
}

export async function gql(
  api: ServerLike,
  query: string,
  options: { token?: string | null; variables?: Record<string, unknown>; extensions?: Record<string, unknown> } = {},
): Promise<GraphqlAnswer> {
  const response = await api.fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({
      ...(query === '' ? {} : { query }),
      ...(options.variables ? { variables: options.variables } : {}),
      ...(options.extensions ? { extensions: options.extensions } : {}),
    }),
    ...(options.token === undefined ? {} : { token: options.token }),
  });
  const body = (await response.json()) as Omit<GraphqlAnswer, 'status'>;
  return { status: response.status, ...body };
}

export function codes(answer: GraphqlAnswer): (string | undefined)[] {
  return (answer.errors ?? []).map((e) => e.extensions?.code);
}

/** A graphql-ws client on the server's /graphql (HTTP/1.1 upgrade), authenticated by connectionParams. */
export function wsClient(api: Pick<TestApi, 'url'>, token: string, options: { retryAttempts?: number } = {}): Client {
  return createClient({
    url: `${api.url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    ...(options.retryAttempts === undefined ? {} : { retryAttempts: options.retryAttempts }),
  });
}
