/** One MLflow endpoint: method, path under the prefix, the role it needs, and a handler from fields to JSON. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ModelStores } from '../../models/index.js';
import type { ApiRole } from '../../catalog/index.js';
import { fieldsOf, requireMlflowRole, type Fields } from './mlflow-request.js';

export interface MlflowEndpoint {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  readonly path: string;
  /** reader for reads and searches (also POSTed ones), writer for everything that logs or changes. */
  readonly role: ApiRole;
  readonly handle: (fields: Fields, stores: ModelStores, request: FastifyRequest) => Promise<object>;
}

export function registerEndpoints(
  scope: FastifyInstance,
  stores: ModelStores,
  endpoints: readonly MlflowEndpoint[],
): void {
  for (const endpoint of endpoints) {
    scope.route({
      method: endpoint.method,
      url: endpoint.path,
      schema: { hide: true },
      handler: async (request) => {
        requireMlflowRole(request, endpoint.role);
        return endpoint.handle(fieldsOf(request), stores, request);
      },
    });
  }
}
