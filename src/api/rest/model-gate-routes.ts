/**
 * Validation gates over REST: a model's gate (`GET`/`PUT /v1/models/{name}/gate`), one
 * version evaluated against it (`POST /v1/models/{name}/versions/{v}/evaluate`: the
 * decision, recorded with its numbers) and the decisions made
 * (`GET /v1/models/{name}/gate/decisions?version=`). The evaluation table is read
 * through the principal's grant check: a table it cannot read cannot gate a model.
 */
import type { FastifyInstance } from 'fastify';
import { evaluateVersion, type GateSpec } from '../../models/index.js';
import type { ApiContext } from '../api-context.js';
import { principalOf } from '../auth/request-principal.js';
import { modelParams, modelTags, versionParams, writer, type ModelRoutesHandle } from './model-route-params.js';
import { GATE_DECISION, GATE_SPEC, GATE_VIEW } from './model-schemas.js';

export function registerModelGateRoutes(app: FastifyInstance, ctx: ApiContext, handle: ModelRoutesHandle): void {
  const { stores, server } = handle;

  app.get<{ Params: { name: string } }>(
    '/v1/models/:name/gate',
    {
      schema: {
        tags: modelTags,
        summary: "A model's validation gate (null: none)",
        params: modelParams,
        response: { 200: GATE_VIEW },
      },
    },
    async (request) => {
      await stores.registry.getModel(request.params.name);
      return { name: request.params.name, gate: (await stores.gates.getGate(request.params.name)) ?? null };
    },
  );

  app.put<{ Params: { name: string }; Body: GateSpec }>(
    '/v1/models/:name/gate',
    {
      schema: {
        tags: modelTags,
        summary: "Set a model's validation gate (champion then needs a passing decision)",
        params: modelParams,
        body: GATE_SPEC,
        response: { 200: GATE_VIEW },
      },
    },
    async (request) => {
      writer(request, `Setting the gate of model ${request.params.name}`);
      await ctx.tables.access(principalOf(request), request.body.table, 'read');
      return { name: request.params.name, gate: await stores.gates.setGate(request.params.name, request.body) };
    },
  );

  app.post<{ Params: { name: string; version: number } }>(
    '/v1/models/:name/versions/:version/evaluate',
    {
      schema: {
        tags: modelTags,
        summary: "Evaluate a version against the model's gate and record the decision",
        params: versionParams,
        response: { 200: GATE_DECISION },
      },
    },
    async (request) => {
      const { name, version } = request.params;
      writer(request, `Evaluating version ${version} of model ${name}`);
      const gate = await stores.gates.getGate(name);
      if (gate !== undefined) await ctx.tables.access(principalOf(request), gate.table, 'read');
      return evaluateVersion(
        {
          catalog: ctx.catalog,
          gates: stores.gates,
          aliases: stores.aliases,
          scorer: (n, v) => server.scorer(n, v),
        },
        name,
        version,
      );
    },
  );

  app.get<{ Params: { name: string }; Querystring: { version?: number; limit?: number } }>(
    '/v1/models/:name/gate/decisions',
    {
      schema: {
        tags: modelTags,
        summary: "A model's gate decisions with their numbers, newest first",
        params: modelParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            version: { type: 'integer', minimum: 1 },
            limit: { type: 'integer', minimum: 1, maximum: 1000 },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['decisions'],
            additionalProperties: false,
            properties: { decisions: { type: 'array', items: GATE_DECISION } },
          },
        },
      },
    },
    async (request) => ({
      decisions: await stores.gates.decisions(request.params.name, request.query.version, request.query.limit ?? 100),
    }),
  );
}
