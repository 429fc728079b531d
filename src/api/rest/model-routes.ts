/**
 * Models over REST (Strata's own surface; the MLflow-compatible one is api/mlflow):
 * - `POST /v1/models/{name}/predict` (`?alias=`, `?version=`, else the model's traffic
 *   policy, else champion): rows of named features in, predictions out; every prediction
 *   (a shadow version's too, marked `served = false`) goes to the prediction log.
 * - `PUT /v1/models/{name}/aliases/{alias}`: moves an alias through the model's gate.
 * - lineage and gates: model-lineage-routes.ts, model-gate-routes.ts.
 * Reading and predicting need any role; changing gates, evaluating and aliases the
 * writer role. The model tables are migrated when the server gets ready.
 */
import * as path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { ModelServer, ModelStores, PredictionLog, type FeatureRow } from '../../models/index.js';
import { openStore } from '../../storage/index.js';
import type { ApiContext } from '../api-context.js';
import type { ModelRouteOptions } from '../api-server-options.js';
import { ARTIFACTS_DIRECTORY } from '../mlflow/mlflow-routes.js';
import { registerModelGateRoutes } from './model-gate-routes.js';
import { registerModelLineageRoutes } from './model-lineage-routes.js';
import { modelParams, modelTags, writer, type ModelRoutesHandle } from './model-route-params.js';
import { ALIAS_RESULT, PREDICT_BODY, PREDICT_RESULT } from './model-schemas.js';

/** Where served predictions are logged unless configured: a Delta table in the warehouse. */
export const PREDICTION_LOG_DIRECTORY = 'models/prediction_log';

export function registerModelRoutes(app: FastifyInstance, ctx: ApiContext, options: ModelRouteOptions = {}): void {
  void app.register(async (scope) => {
    const stores = await ModelStores.open(ctx.catalog.meta, {
      artifacts: openStore(path.join(ctx.catalog.warehouse.directory, ARTIFACTS_DIRECTORY)),
    });
    const logOptions = options.predictionLog;
    const log =
      logOptions === false
        ? undefined
        : new PredictionLog(
            logOptions?.location ?? path.join(ctx.catalog.warehouse.directory, PREDICTION_LOG_DIRECTORY),
            { ...logOptions, onError: (error) => scope.log.error({ err: error }, 'prediction log commit failed') },
          );
    // Requests naming no version or alias follow the model's traffic policy (stores.policies).
    const server = new ModelServer({
      ...stores,
      ...(log ? { log } : {}),
      onShadowError: (error) => scope.log.warn({ err: error }, 'shadow prediction failed'),
    });
    // Graceful shutdown commits what the log holds (a crash loses at most its stated window).
    scope.addHook('onClose', async () => log?.close());
    const handle: ModelRoutesHandle = { stores, server, log };
    registerServingRoutes(scope, handle);
    registerModelLineageRoutes(scope, ctx, handle);
    registerModelGateRoutes(scope, ctx, handle);
  });
}

function registerServingRoutes(app: FastifyInstance, { stores, server }: ModelRoutesHandle): void {
  app.post<{
    Params: { name: string };
    Querystring: { alias?: string; version?: number };
    Body: { rows: FeatureRow[]; requestId?: string; key?: string };
  }>(
    '/v1/models/:name/predict',
    {
      schema: {
        tags: modelTags,
        summary: "Predict with a model version (the alias's, default champion; or ?version=)",
        params: modelParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { alias: { type: 'string', minLength: 1 }, version: { type: 'integer', minimum: 1 } },
        },
        body: PREDICT_BODY,
        response: { 200: PREDICT_RESULT },
      },
    },
    async (request) =>
      server.predict(request.params.name, {
        ...(request.query.alias === undefined ? {} : { alias: request.query.alias }),
        ...(request.query.version === undefined ? {} : { version: request.query.version }),
        rows: request.body.rows,
        ...(request.body.requestId === undefined ? {} : { requestId: request.body.requestId }),
        ...(request.body.key === undefined ? {} : { key: request.body.key }),
      }),
  );

  app.put<{ Params: { name: string; alias: string }; Body: { version: number } }>(
    '/v1/models/:name/aliases/:alias',
    {
      schema: {
        tags: modelTags,
        summary: "Point an alias at a version (champion only to a version that passed the model's gate)",
        params: {
          type: 'object',
          required: ['name', 'alias'],
          properties: { name: { type: 'string', minLength: 1 }, alias: { type: 'string', minLength: 1 } },
        },
        body: {
          type: 'object',
          required: ['version'],
          additionalProperties: false,
          properties: { version: { type: 'integer', minimum: 1 } },
        },
        response: { 200: ALIAS_RESULT },
      },
    },
    async (request) => {
      const { name, alias } = request.params;
      writer(request, `Setting alias ${alias} of model ${name}`);
      // An alias routes predictions: it never moves to a version whose file does not load.
      await server.scorer(name, request.body.version);
      await stores.gates.setAlias(name, alias, request.body.version);
      server.forgetAlias(name, alias);
      return { name, alias, version: request.body.version };
    },
  );
}
