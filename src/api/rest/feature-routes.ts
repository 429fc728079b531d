/**
 * Online features over HTTP: `POST /v1/features/online` (Strata's JSON: entity rows in,
 * per feature values, statuses and event timestamps out), `POST /get-online-features`
 * (Feast's feature-server JSON, so Feast clients work; feature-feast-json.ts) and
 * `POST /v1/features/push` (feature-push-route.ts). Reading needs any role and, for a
 * principal with grants, read access to each view's source table (feature-access.ts).
 * The FeatureServer comes from the context's handle (feature-server-handle.ts).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { EntityRow, OnlineFeatures } from '../../features/index.js';
import type { ApiContext } from '../api-context.js';
import { BadRequestError } from '../errors.js';
import { principalOf } from '../auth/request-principal.js';
import { checkViewAccess } from './feature-access.js';
import { feastResponse, feastRows, type FeastRequest } from './feature-feast-json.js';
import { eventTimestamps, jsonValues } from './feature-json.js';
import { registerFeaturePushRoute } from './feature-push-route.js';
import { featureServerHandle } from './feature-server-handle.js';
import { FEAST_BODY, FEAST_RESULT, FEATURE_TAGS, ONLINE_BODY, ONLINE_RESULT } from './feature-schemas.js';

interface OnlineRequest {
  readonly service?: string;
  readonly features?: readonly string[];
  readonly entities: readonly EntityRow[];
  readonly fullFeatureNames?: boolean;
}

export function registerFeatureRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const handle = ctx.features ?? featureServerHandle(ctx.catalog);
  if (ctx.features === undefined) app.addHook('onClose', () => handle.close());
  const server = () => handle.get();

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
    async (request, reply) => {
      const body = request.body;
      const features = await server();
      const plan = features.plan(body);
      await checkViewAccess(ctx, principalOf(request), plan.views, 'read');
      return sendJson(reply, strataResponse(await features.get(plan, body.entities)));
    },
  );

  // Feast's own examples post JSON with curl -d or requests' data=, which send a form
  // content type or none: this route reads any body as JSON, as Feast's server does.
  void app.register(async (scope) => {
    scope.addContentTypeParser(
      ['application/x-www-form-urlencoded', '*'],
      { parseAs: 'string' },
      (_req, text, done) => {
        try {
          done(null, JSON.parse(text as string));
        } catch {
          done(new BadRequestError('The body is not JSON: send the Feast request as JSON.'), undefined);
        }
      },
    );
    scope.post<{ Body: FeastRequest }>(
      '/get-online-features',
      {
        schema: {
          tags: FEATURE_TAGS,
          summary: "Feast-compatible online features (Feast's feature-server request and response JSON)",
          body: FEAST_BODY,
          response: { 200: FEAST_RESULT },
        },
      },
      async (request, reply) => {
        const body = request.body;
        const features = await server();
        const plan = features.plan({
          ...(body.feature_service === undefined ? {} : { service: body.feature_service }),
          ...(body.features === undefined ? {} : { features: body.features }),
          fullFeatureNames: body.full_feature_names ?? false,
        });
        await checkViewAccess(ctx, principalOf(request), plan.views, 'read');
        const rows = feastRows(body.entities);
        return sendJson(reply, feastResponse(body.entities, plan, await features.get(plan, rows)));
      },
    );
  });

  registerFeaturePushRoute(app, ctx, server);
}

/**
 * Sends an answer built to its route's schema as JSON text: the answers hold only plain
 * JSON values by then (feature-json.ts), and JSON.stringify is faster than the schema
 * serializer on arrays of untyped values, which is most of a 100×50 answer.
 */
function sendJson(reply: FastifyReply, body: unknown): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(JSON.stringify(body));
}

export function strataResponse(result: OnlineFeatures) {
  const times = new Map<number, string>();
  return {
    rows: result.rows,
    joinKeys: result.joinKeys.map((k) => ({ name: k.name, values: jsonValues(k.values) })),
    features: result.columns.map((c) => ({
      name: c.feature.name,
      ref: c.feature.ref,
      type: c.feature.type,
      values: jsonValues(c.values),
      statuses: c.statuses,
      eventTimestamps: eventTimestamps(c.eventTimes, times, null),
    })),
  };
}
