/** What every resolver gets, over HTTP, WebSocket and SSE alike. */
import type { GraphQLFieldResolver, GraphQLScalarType } from 'graphql';
import type { Principal } from '../../catalog/index.js';

export interface GraphqlContext {
  readonly principal: Principal;
}

export type FieldResolver = GraphQLFieldResolver<unknown, GraphqlContext, Record<string, unknown>>;

export interface SubscriptionResolver {
  subscribe: FieldResolver;
  resolve: FieldResolver;
}

/** A resolver map in the shape @apollo/subgraph's buildSubgraphSchema takes. */
export type ResolverMap = Record<string, Record<string, FieldResolver | SubscriptionResolver> | GraphQLScalarType>;
