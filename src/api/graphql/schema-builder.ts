/**
 * The generated schema: SDL text for every visible table (plus flows when the server
 * has them) and its resolvers, built as an Apollo Federation 2 subgraph, so `_service`
 * and `_entities` exist and tables with a key are entities.
 */
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse, type GraphQLSchema } from 'graphql';
import type { ApiContext } from '../api-context.js';
import {
  FLOW_MUTATION_FIELDS,
  FLOW_QUERY_FIELDS,
  FLOW_SDL,
  flowMutationResolvers,
  flowQueryResolvers,
} from './flow-schema.js';
import { FEATURE_QUERY_FIELDS, FEATURE_SDL, featureQueryResolvers } from './feature-schema.js';
import type { FieldResolver, GraphqlContext, ResolverMap, SubscriptionResolver } from './graphql-context.js';
import { mutationResolvers } from './mutation-resolvers.js';
import { queryResolvers, resolveReference } from './query-resolvers.js';
import { BigIntScalar, JsonScalar } from './scalar-types.js';
import { runSubscriptionResolvers, tableSubscriptionResolvers } from './subscription-resolvers.js';
import { comparisonSdl, tableSdl } from './table-sdl.js';
import type { TableModel } from './table-models.js';

const FEDERATION_LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])';

function rootType(name: string, fields: readonly string[]): string {
  return fields.length === 0 ? '' : `type ${name} {\n${fields.map((f) => `  ${f}`).join('\n')}\n}`;
}

export function buildGraphqlSchema(ctx: ApiContext, models: readonly TableModel[], canWrite: boolean): GraphQLSchema {
  const flows = ctx.flows;
  const tables = models.map((m) => tableSdl(m, canWrite));
  const sdl = [
    FEDERATION_LINK,
    'scalar BigInt',
    'scalar JSON',
    comparisonSdl(),
    ...tables.map((t) => t.types),
    flows ? FLOW_SDL : '',
    ctx.features ? FEATURE_SDL : '',
    rootType('Query', [
      '"""The catalog names of the tables this token sees."""\n  strata_tables: [String!]!',
      ...tables.flatMap((t) => t.query),
      ...(flows ? FLOW_QUERY_FIELDS : []),
      ...(ctx.features ? FEATURE_QUERY_FIELDS : []),
    ]),
    rootType('Mutation', [...tables.flatMap((t) => t.mutation), ...(flows && canWrite ? FLOW_MUTATION_FIELDS : [])]),
    rootType('Subscription', [
      ...tables.flatMap((t) => t.subscription),
      ...(flows ? ['run_changes(run_id: ID): RunEvent!'] : []),
    ]),
  ].join('\n');

  const query: Record<string, FieldResolver> = {
    strata_tables: () => models.map((m) => m.catalogName),
    ...(flows ? flowQueryResolvers(flows) : {}),
    ...(ctx.features ? featureQueryResolvers(ctx) : {}),
  };
  const mutation: Record<string, FieldResolver> = flows && canWrite ? flowMutationResolvers(flows) : {};
  const subscription: Record<string, SubscriptionResolver> = flows ? runSubscriptionResolvers(flows, ctx.events) : {};
  const resolvers: ResolverMap = { BigInt: BigIntScalar, JSON: JsonScalar };
  for (const model of models) {
    Object.assign(query, queryResolvers(ctx, model));
    if (canWrite) Object.assign(mutation, mutationResolvers(ctx, model));
    Object.assign(subscription, tableSubscriptionResolvers(ctx, model));
    if (model.key !== null) {
      // Apollo calls __resolveReference(representation, context, info), not a field resolver's (source, args, context).
      const resolveRef = (representation: Record<string, unknown>, context: GraphqlContext) =>
        resolveReference(ctx, context.principal, model, representation);
      resolvers[model.name] = { __resolveReference: resolveRef as unknown as FieldResolver };
    }
  }
  resolvers.Query = query;
  if (Object.keys(mutation).length > 0) resolvers.Mutation = mutation;
  if (Object.keys(subscription).length > 0) resolvers.Subscription = subscription;
  return buildSubgraphSchema([{ typeDefs: parse(sdl), resolvers }]);
}
