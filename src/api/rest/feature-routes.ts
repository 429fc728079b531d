/**
 * Online features over HTTP: `POST /v1/features/online` (Strata's JSON: entity rows in,
 * per feature values, statuses and event timestamps out), `POST /get-online-features`
 * (Feast's feature-server JSON, so Feast clients work; feature-feast-json.ts) and
 * `POST /v1/features/push` (feature-push-route.ts). Reading needs any role and, for a
 * principal with grants, read access to each view's source table (feature-access.ts).
 * The FeatureServer is the one given to the server, or opened over the warehouse on the
 * first feature request and closed with the server.
 */
import type { FastifyInstance } from 'fastify';
import { openFeatureServer, type EntityRow, type FeatureServer, type OnlineFeatures } from '../../features/index.js';
import type { ApiContext } from '../api-context.js';
import { principalOf } from '../auth/request-principal.js';
import { checkViewAccess } from './feature-access.js';
import { feastResponse, feastRows, type FeastRequest } from './feature-feast-json.js';
import { jsonValues, rfc3339 } from './feature-json.js';
import { registerFeaturePushRoute } from './feature-push-route.js';
import { FEAST_BODY, FEAST_RESULT, FEATURE_TAGS, ONLINE_BODY, ONLINE_RESULT } from './feature-schemas.js';

interface OnlineRequest {
  readonly service?: string;
  readonly features?: readonly string[];
  readonly entities: readonly EntityRow[];
  readonly fullFeatureNames?: boolean;
}

export type FeatureServerHandle = () => FeatureServer | Promise<FeatureServer>;

export function registerFeatureRoutes(app: FastifyInstance, ctx: ApiContext, given?: FeatureServer): void {
  let opened: Promise<FeatureServer> | undefined;
  const server: FeatureServerHandle = () =>
    given ??
    (opened ??= openFeatureServer(ctx.catalog).catch((error: unknown) => {
      opened = undefined;
      throw error;
    }));
  app.addHook('onClose', async () => {
    const open = await opened?.catch(() => undefined);
    await open?.close();
  });

  app.post<{ Body: OnlineRequest }>(
    '/v1/features/online',
    {
      schema: {
        tags: FEATURE_TAGS,
        summary: 'Online feature values for entity rows (a feature service or feature references)',
        body: ONLINE_BODY,
        response: { 200: ONLINE_RESULT },
      },
    },
    async (request) => {
      const body = request.body;
      const features = await server();
      const plan = features.plan(body);
      await checkViewAccess(ctx, principalOf(request), plan.views, 'read');
      return strataResponse(await features.get(plan, body.entities));
    },
  );

  app.post<{ Body: FeastRequest }>(
    '/get-online-features',
    {
      schema: {
        tags: FEATURE_TAGS,
        summary: "Feast-compatible online features (Feast's feature-server request and response JSON)",
        body: FEAST_BODY,
        response: { 200: FEAST_RESULT },
      },
    },
    async (request) => {
      const body = request.body;
      const features = await server();
      const plan = features.plan({
        ...(body.feature_service === undefined ? {} : { service: body.feature_service }),
        ...(body.features === undefined ? {} : { features: body.features }),
        fullFeatureNames: body.full_feature_names ?? false,
      });
      await checkViewAccess(ctx, principalOf(request), plan.views, 'read');
      const rows = feastRows(body.entities);
      return feastResponse(body.entities, plan, await features.get(plan, rows));
    },
  );

  registerFeaturePushRoute(app, ctx, server);
}

function strataResponse(result: OnlineFeatures) {
  return {
    rows: result.rows,
    joinKeys: result.joinKeys.map((k) => ({ name: k.name, values: jsonValues(k.values) })),
    features: result.columns.map((c) => ({
      name: c.feature.name,
      ref: c.feature.ref,
      type: c.feature.type,
      values: jsonValues(c.values),
      statuses: c.statuses,
      eventTimestamps: c.eventTimes.map((t) => (t === null ? null : rfc3339(t))),
    })),
  };
}
