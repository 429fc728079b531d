/**
 * `GET /v1/models/{name}/traffic` (the current policy, every change, the promotion
 * experiments with every look: what the console charts) and `PUT` (a writer sets a new
 * policy; it takes effect without a restart and is recorded with the token's name).
 */
import * as path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { ModelStores } from '../../models/index.js';
import { openStore } from '../../storage/index.js';
import type { ApiContext } from '../api-context.js';
import { requireRole } from '../../catalog/index.js';
import { principalOf } from '../auth/request-principal.js';
import { TRAFFIC_BODY, TRAFFIC_CHANGE, TRAFFIC_TAGS, TRAFFIC_VIEW } from './model-traffic-schemas.js';

const iso = (ms: number) => new Date(ms).toISOString();

export function registerModelTrafficRoutes(app: FastifyInstance, context: ApiContext): void {
  void app.register(async (scope) => {
    const stores = await ModelStores.open(context.catalog.meta, {
      artifacts: openStore(path.join(context.catalog.warehouse.directory, 'artifacts')),
    });
    const params = { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } as const;

    scope.get<{ Params: { name: string } }>(
      '/v1/models/:name/traffic',
      {
        schema: {
          tags: TRAFFIC_TAGS,
          summary: "A model's traffic policy, its changes, and its promotion experiments with every look",
          params,
          response: { 200: TRAFFIC_VIEW },
        },
      },
      async (request) => {
        const { name } = request.params;
        await stores.registry.getModel(name);
        const [current, history, experiments] = await Promise.all([
          stores.policies.current(name),
          stores.policies.history(name),
          stores.promotions.list(name),
        ]);
        return {
          model: name,
          current: current ?? null,
          history: history.map((c) => ({ ...c, changedAt: iso(c.changedAt) })),
          experiments: await Promise.all(
            experiments.map(async (e) => ({
              id: e.id,
              championVersion: e.championVersion,
              challengerVersion: e.challengerVersion,
              status: e.status,
              startedAt: iso(e.startedAt),
              endedAt: e.endedAt === undefined ? null : iso(e.endedAt),
              reason: e.reason ?? null,
              looks: (await stores.promotions.looks(e.id)).map((l) => ({
                ...l,
                at: iso(l.at),
                lower: l.interval[0],
                upper: l.interval[1],
              })),
            })),
          ),
        };
      },
    );

    scope.put<{ Params: { name: string }; Body: { policy: unknown; reason?: string } }>(
      '/v1/models/:name/traffic',
      {
        schema: {
          tags: TRAFFIC_TAGS,
          summary: "Sets a model's traffic policy (full, shadow or split); recorded, in effect at once",
          params,
          body: TRAFFIC_BODY,
          response: { 200: TRAFFIC_CHANGE },
        },
      },
      async (request) => {
        const principal = principalOf(request);
        requireRole(principal, 'writer', `PUT /v1/models/${request.params.name}/traffic`);
        const change = await stores.policies.set(request.params.name, request.body.policy, {
          by: principal.name,
          reason: request.body.reason ?? '',
        });
        return { ...change, changedAt: iso(change.changedAt) };
      },
    );
  });
}
