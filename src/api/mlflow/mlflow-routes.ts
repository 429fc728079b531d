/**
 * The MLflow-compatible REST API: tracking and registry under `/api/2.0/mlflow/` (and
 * `/ajax-api/2.0/mlflow/`, the prefix MLflow's web UI uses), artifacts under
 * `/api/2.0/mlflow-artifacts/`. MLflow clients point MLFLOW_TRACKING_URI at the Strata
 * server and MLFLOW_TRACKING_TOKEN at a Strata token: the auth hook applies (reader
 * role reads and searches, writer logs and registers). These routes answer errors in
 * MLflow's shape (mlflow-errors.ts), not Strata's. Artifacts go to the warehouse's
 * `artifacts/` directory.
 */
import * as path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { ModelStores } from '../../models/index.js';
import { openStore } from '../../storage/index.js';
import type { ApiContext } from '../api-context.js';
import { registerArtifactRoutes } from './artifact-routes.js';
import { EXPERIMENT_ENDPOINTS } from './experiment-endpoints.js';
import { useMlflowErrors } from './mlflow-errors.js';
import { registerEndpoints } from './mlflow-route.js';
import { REGISTRY_ENDPOINTS } from './registry-endpoints.js';
import { RUN_ENDPOINTS } from './run-endpoints.js';

export const ARTIFACTS_DIRECTORY = 'artifacts';
const ENDPOINTS = [...EXPERIMENT_ENDPOINTS, ...RUN_ENDPOINTS, ...REGISTRY_ENDPOINTS];

/** Registers the MLflow routes; the model tables are migrated when the server gets ready. */
export function registerMlflowRoutes(app: FastifyInstance, context: ApiContext): void {
  void app.register(async (scope) => {
    const stores = await ModelStores.open(context.catalog.meta, {
      artifacts: openStore(path.join(context.catalog.warehouse.directory, ARTIFACTS_DIRECTORY)),
    });
    for (const prefix of ['/api/2.0/mlflow', '/ajax-api/2.0/mlflow']) {
      await scope.register(
        async (api) => {
          useMlflowErrors(api);
          registerEndpoints(api, stores, ENDPOINTS);
        },
        { prefix },
      );
    }
    await scope.register(
      async (api) => {
        useMlflowErrors(api);
        registerArtifactRoutes(api, stores);
      },
      { prefix: '/api/2.0/mlflow-artifacts' },
    );
  });
}
