/** What the model route files share: the open stores and server, tags, params and the writer check. */
import type { FastifyRequest } from 'fastify';
import type { ModelServer, ModelStores, PredictionLog } from '../../models/index.js';
import { requireRole } from '../../catalog/index.js';
import { principalOf } from '../auth/request-principal.js';

export interface ModelRoutesHandle {
  readonly stores: ModelStores;
  readonly server: ModelServer;
  readonly log: PredictionLog | undefined;
}

export const modelTags = ['models'];

export const modelParams = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string', minLength: 1 } },
} as const;

export const versionParams = {
  type: 'object',
  required: ['name', 'version'],
  properties: { name: { type: 'string', minLength: 1 }, version: { type: 'integer', minimum: 1 } },
} as const;

export function writer(request: FastifyRequest, action: string): void {
  requireRole(principalOf(request), 'writer', action);
}
