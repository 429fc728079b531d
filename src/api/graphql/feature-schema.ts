/**
 * Online features in GraphQL: `online_features(service, features, entities,
 * full_feature_names)`, the same answer as `POST /v1/features/online` (values as JSON,
 * statuses, RFC 3339 event timestamps), under the same grants by source table.
 */
import type { EntityRow } from '../../features/index.js';
import type { ApiContext } from '../api-context.js';
import { checkViewAccess } from '../rest/feature-access.js';
import { strataResponse } from '../rest/feature-routes.js';
import type { FieldResolver, GraphqlContext } from './graphql-context.js';

export const FEATURE_SDL = `
"""One feature across the entity rows, in their order."""
type OnlineFeature {
  name: String!
  """view:feature (or onDemand:feature)"""
  ref: String!
  type: String!
  values: [JSON]!
  """PRESENT, NOT_FOUND, NULL_VALUE or OUTSIDE_MAX_AGE"""
  statuses: [String!]!
  """RFC 3339; null without a row and for on-demand features"""
  event_timestamps: [String]!
}
type OnlineJoinKey {
  name: String!
  values: [JSON]!
}
type OnlineFeatures {
  rows: Int!
  join_keys: [OnlineJoinKey!]!
  features: [OnlineFeature!]!
}`;

export const FEATURE_QUERY_FIELDS = [
  '"""Online feature values for entity rows (objects of join keys and request data)."""\n  online_features(service: String, features: [String!], entities: [JSON!]!, full_feature_names: Boolean): OnlineFeatures!',
];

export function featureQueryResolvers(ctx: ApiContext): Record<string, FieldResolver> {
  const handle = ctx.features!;
  return {
    online_features: async (_source, args, context: GraphqlContext) => {
      const server = await handle.get();
      const plan = server.plan({
        ...(typeof args.service === 'string' ? { service: args.service } : {}),
        ...(Array.isArray(args.features) ? { features: args.features as string[] } : {}),
        fullFeatureNames: args.full_feature_names === true,
      });
      await checkViewAccess(ctx, context.principal, plan.views, 'read');
      const answer = strataResponse(await server.get(plan, args.entities as EntityRow[]));
      return {
        rows: answer.rows,
        join_keys: answer.joinKeys,
        features: answer.features.map(({ eventTimestamps, ...f }) => ({ ...f, event_timestamps: eventTimestamps })),
      };
    },
  };
}
