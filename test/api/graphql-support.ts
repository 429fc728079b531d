/** Helpers shared by the GraphQL tests: POST an operation and read the JSON answer. */
/** The parts of a test server the helpers use (the API harness and graphql-test-server.ts both fit). */
export interface ServerLike {
  fetch(pathAndQuery: string, init?: RequestInit & { token?: string | null }): Promise<Response>;
}

export interface GraphqlAnswer {
  readonly status: number;
  readonly data?: Record<string, unknown> | null;
  readonly errors?: { message: string; extensions?: { code?: string } & Record<string, unknown> }[];
}

export async function gql(api: ServerLike, query: string, options: { token?: string | null; variables?: Record<string, unknown>; extensions?: Record<string, unknown> } = {}): Promise<GraphqlAnswer> {
  const response = await api.fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ ...(query === '' ? {} : { query }), ...(options.variables ? { variables: options.variables } : {}), ...(options.extensions ? { extensions: options.extensions } : {}) }),
    ...(options.token === undefined ? {} : { token: options.token }),
  });
  const body = (await response.json()) as Omit<GraphqlAnswer, 'status'>;
  return { status: response.status, ...body };
}

export function codes(answer: GraphqlAnswer): (string | undefined)[] {
  return (answer.errors ?? []).map((e) => e.extensions?.code);
}
