/**
 * Flows over REST: list flows, trigger a run with parameters, runs of a flow, one
 * run with its task instances, a task's logs, backfills, pause/unpause. Reading
 * needs any role, triggering and backfilling the writer role, pausing admin.
 * Everything goes through the server's FlowControl (local, or the owner process's
 * control socket), so the answers are the same values `strata flow` prints.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FlowControl, JsonValue } from '../../flows/index.js';
import type { ApiContext } from '../api-context.js';
import { requireRole } from '../../catalog/index.js';
import { principalOf } from '../auth/request-principal.js';
import { BadRequestError } from '../errors.js';
import { BACKFILL_VIEW, FLOW_ROW, LATEST_TASK, LOG_PAGE, RUN_DETAIL, RUN_VIEW, TRIGGERED_RUN } from './flow-schemas.js';
import { flowControlOf, flowParams, runParams } from './flow-route-params.js';

const tags = ['flows'];

export function registerFlowRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const flows = (): FlowControl => flowControlOf(ctx);
  const writer = (request: FastifyRequest, action: string) => requireRole(principalOf(request), 'writer', action);

  const list = (key: string, items: object) => ({
    200: {
      type: 'object',
      required: [key],
      additionalProperties: false,
      properties: { [key]: { type: 'array', items } },
    },
  });

  app.get(
    '/v1/flows',
    { schema: { tags, summary: 'Flows with their schedule, state and last run', response: list('flows', FLOW_ROW) } },
    async () => ({ flows: await flows().list() }),
  );

  app.get<{ Params: { flowId: string }; Querystring: { limit?: number } }>(
    '/v1/flows/:flowId/runs',
    {
      schema: {
        tags,
        summary: 'Recent runs of a flow, newest first',
        params: flowParams,
        querystring: { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 1000 } } },
        response: list('runs', RUN_VIEW),
      },
    },
    async (request) => ({ runs: await flows().runs(request.params.flowId, request.query.limit ?? 50) }),
  );

  app.post<{ Params: { flowId: string }; Body: { params?: Record<string, JsonValue> } | undefined }>(
    '/v1/flows/:flowId/runs',
    {
      schema: {
        tags,
        summary: 'Trigger a manual run with parameters',
        params: flowParams,
        body: {
          type: 'object',
          properties: { params: { type: 'object', additionalProperties: true } },
          additionalProperties: false,
        },
        response: { 201: TRIGGERED_RUN },
      },
    },
    async (request, reply) => {
      writer(request, `Triggering ${request.params.flowId}`);
      const triggered = await flows().trigger(request.params.flowId, request.body?.params ?? {});
      return reply.code(201).header('location', `/v1/runs/${triggered.runId}`).send(triggered);
    },
  );

  app.get<{ Params: { flowId: string } }>(
    '/v1/flows/:flowId/tasks',
    {
      schema: {
        tags,
        summary: 'The latest state of each task of a flow',
        params: flowParams,
        response: list('tasks', LATEST_TASK),
      },
    },
    async (request) => ({ tasks: await flows().latestTasks(request.params.flowId) }),
  );

  app.get<{ Params: { runId: number } }>(
    '/v1/runs/:runId',
    {
      schema: {
        tags,
        summary: 'A run with every task instance, durations and ETA',
        params: runParams,
        response: { 200: RUN_DETAIL },
      },
    },
    async (request) => flows().run(request.params.runId),
  );

  app.get<{
    Params: { runId: number; taskId: string };
    Querystring: { map_index?: number; attempt?: number; after_id?: number };
  }>(
    '/v1/runs/:runId/tasks/:taskId/logs',
    {
      schema: {
        tags,
        summary: "A task's log lines (after `after_id`, for following)",
        params: {
          type: 'object',
          properties: { runId: { type: 'integer', minimum: 1 }, taskId: { type: 'string' } },
          required: ['runId', 'taskId'],
        },
        querystring: {
          type: 'object',
          properties: {
            map_index: { type: 'integer', minimum: -1 },
            attempt: { type: 'integer', minimum: 1 },
            after_id: { type: 'integer', minimum: 0 },
          },
        },
        response: { 200: LOG_PAGE },
      },
    },
    async (request) => {
      const { map_index: mapIndex, attempt, after_id: afterId } = request.query;
      return flows().logs({
        runId: request.params.runId,
        taskId: request.params.taskId,
        ...(mapIndex === undefined ? {} : { mapIndex }),
        ...(attempt === undefined ? {} : { attempt }),
        ...(afterId === undefined ? {} : { afterId }),
      });
    },
  );

  app.post<{
    Params: { flowId: string };
    Body: {
      from: string;
      to: string;
      reprocess?: 'missing' | 'failed' | 'all';
      maxActiveRuns?: number;
      dryRun?: boolean;
      params?: Record<string, JsonValue>;
    };
  }>(
    '/v1/flows/:flowId/backfill',
    {
      schema: {
        tags,
        summary: 'Backfill a flow over a date range',
        params: flowParams,
        body: {
          type: 'object',
          required: ['from', 'to'],
          additionalProperties: false,
          properties: {
            from: { type: 'string' },
            to: { type: 'string' },
            reprocess: { type: 'string', enum: ['missing', 'failed', 'all'] },
            maxActiveRuns: { type: 'integer', minimum: 1 },
            dryRun: { type: 'boolean' },
            params: { type: 'object', additionalProperties: true },
          },
        },
        response: { 200: BACKFILL_VIEW },
      },
    },
    async (request) => {
      writer(request, `Backfilling ${request.params.flowId}`);
      for (const key of ['from', 'to'] as const) {
        if (Number.isNaN(Date.parse(request.body[key])))
          throw new BadRequestError(`"${key}" must be an ISO 8601 date or time, not "${request.body[key]}".`, {
            [key]: request.body[key],
          });
      }
      return flows().backfill(request.params.flowId, request.body);
    },
  );

  for (const [action, paused] of [
    ['pause', true],
    ['unpause', false],
  ] as const) {
    app.post<{ Params: { flowId: string } }>(
      `/v1/flows/:flowId/${action}`,
      {
        schema: {
          tags,
          summary: `${action === 'pause' ? 'Pause' : 'Unpause'} a flow's schedule`,
          params: flowParams,
          response: {
            200: {
              type: 'object',
              required: ['flowId', 'paused'],
              additionalProperties: false,
              properties: { flowId: { type: 'string' }, paused: { type: 'boolean' } },
            },
          },
        },
      },
      async (request) => {
        requireRole(
          principalOf(request),
          'admin',
          `${action === 'pause' ? 'Pausing' : 'Unpausing'} ${request.params.flowId}`,
        );
        await flows().pause(request.params.flowId, paused);
        return { flowId: request.params.flowId, paused };
      },
    );
  }
}
