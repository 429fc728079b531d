/**
 * Strata as an Apollo Federation 2 subgraph: composed by @apollo/gateway
 * (IntrospectAndCompose over `_service { sdl }`) with a second subgraph that extends
 * Strata's `customers` entity (key `id`, from the table property strata.graphql.key);
 * a gateway query crosses both, Strata resolving the entities through `_entities`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import { ApolloGateway, IntrospectAndCompose, RemoteGraphQLDataSource } from '@apollo/gateway';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { getOperationAST, parse } from 'graphql';
import { createYoga } from 'graphql-yoga';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './helpers/api-harness.js';
import { gql } from './helpers/graphql-client.js';

const REVIEWS_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  scalar BigInt
  type customers @key(fields: "id", resolvable: false) { id: BigInt }
  type Review { stars: Int! customer: customers! }
  type Query { top_reviews: [Review!]! }
`;

describe('GraphQL federation', () => {
  let api: TestApi;
  let reviews: Server;
  let gateway: ApolloGateway;
  let run: (
    query: string,
  ) => Promise<{ data?: Record<string, unknown> | null; errors?: readonly { message: string }[] }>;

  beforeAll(async () => {
    api = await startTestApi();
    const schema = buildSubgraphSchema([
      {
        typeDefs: parse(REVIEWS_SDL),
        resolvers: {
          Query: {
            top_reviews: () => [
              { stars: 5, customer: { id: 3 } },
              { stars: 2, customer: { id: 8 } },
            ],
          },
        },
      },
    ]);
    reviews = createServer(createYoga({ schema, graphqlEndpoint: '/graphql', logging: false }));
    await new Promise<void>((resolve) => reviews.listen(0, '127.0.0.1', resolve));
    const reviewsUrl = `http://127.0.0.1:${(reviews.address() as AddressInfo).port}/graphql`;
    const token = api.tokens.reader;
    gateway = new ApolloGateway({
      supergraphSdl: new IntrospectAndCompose({
        subgraphs: [
          { name: 'strata', url: `${api.url}/graphql` },
          { name: 'reviews', url: reviewsUrl },
        ],
      }),
      buildService: ({ url }) =>
        new RemoteGraphQLDataSource({
          ...(url === undefined ? {} : { url }),
          willSendRequest: ({ request }) => {
            request.http?.headers.set('authorization', `Bearer ${token}`);
          },
        }),
    });
    const { schema: supergraph, executor } = await gateway.load();
    run = async (query) => {
      const document = parse(query);
      const operation = getOperationAST(document)!;
      const context = {
        request: { query },
        document,
        source: query,
        operation,
        operationName: null,
        schema: supergraph,
        context: {},
        queryHash: createHash('sha256').update(query).digest('hex'),
        logger: console,
        metrics: {},
        overallCachePolicy: {},
        schemaHash: 'x',
        cache: { get: async () => undefined, set: async () => undefined, delete: async () => true },
      };
      return executor(context as unknown as Parameters<typeof executor>[0]);
    };
  });

  afterAll(async () => {
    await gateway?.stop();
    await new Promise((resolve) => reviews?.close(resolve));
    await api?.close();
  });

  it('serves _service and _entities for keyed tables', async () => {
    const service = await gql(api, '{ _service { sdl } }');
    expect((service.data?._service as { sdl: string }).sdl).toMatch(/type customers\s+@key\(fields: "id"\)/);
    const entities = await gql(
      api,
      'query ($r: [_Any!]!) { _entities(representations: $r) { ... on customers { id name } } }',
      {
        variables: {
          r: [
            { __typename: 'customers', id: 2 },
            { __typename: 'customers', id: 99 },
          ],
        },
      },
    );
    expect(entities.data?._entities).toEqual([{ id: 2, name: 'customer 2' }, null]);
  });

  it('resolves Strata entities referenced by another subgraph through the gateway', async () => {
    const result = await run('{ top_reviews { stars customer { id name country } } }');
    expect(result.errors).toBeUndefined();
    expect(result.data?.top_reviews).toEqual([
      { stars: 5, customer: { id: 3, name: 'customer 3', country: 'US' } },
      { stars: 2, customer: { id: 8, name: 'customer 8', country: 'DE' } },
    ]);
    const direct = await run('{ sales(limit: 1, order_by: { id: asc }) { id region } }');
    expect(direct.data?.sales).toEqual([{ id: 1, region: 'US' }]);
  });
});
