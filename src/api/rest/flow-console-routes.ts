/**
 * The flow routes the console adds to flow-routes.ts: a flow's DAG and params schema,
 * the grid of recent runs × tasks, a run's Gantt data, and pools (read by any role;
 * setting a pool's slots needs admin, like pausing a flow). The tables a task reads and
 * writes are shown only when the principal's grants let it see them.
 */
import type { FastifyInstance } from 'fastify';
import { formatTableName } from '../../catalog/index.js';
import type { FlowControl, FlowDetail } from '../../flows/index.js';
import type { ApiContext } from '../api-context.js';
import { requireRole, type Principal } from '../../catalog/index.js';
import { principalOf } from '../auth/request-principal.js';
import { FLOW_DETAIL, GANTT_VIEW, GRID_VIEW, POOL_VIEW } from './flow-console-schemas.js';
import { flowControlOf, flowParams, runParams } from './flow-route-params.js';

const tags = ['flows'];
const POOL_NAME = '^[A-Za-z0-9_.-]{1,100}$';

export function registerFlowConsoleRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const flows = (): FlowControl => flowControlOf(ctx);

  app.get<{ Params: { flowId: string } }>(
    '/v1/flows/:flowId',
    {
      schema: {
        tags,
        summary: "A flow's tasks and dependencies (its DAG), schedule, pools, limits and params as a JSON Schema",
        params: flowParams,
        response: { 200: FLOW_DETAIL },
      },
    },
    async (request) => withVisibleTables(ctx, principalOf(request), await flows().flow(request.params.flowId)),
  );

  app.get<{ Params: { flowId: string }; Querystring: { limit?: number } }>(
    '/v1/flows/:flowId/grid',
    {
      schema: {
        tags,
        summary: "The last runs (newest first) × the flow's tasks, each cell a task instance's state",
        params: flowParams,
        querystring: { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 100 } } },
        response: { 200: GRID_VIEW },
      },
    },
    async (request) => flows().grid(request.params.flowId, request.query.limit ?? 25),
  );

  app.get<{ Params: { runId: number } }>(
    '/v1/runs/:runId/gantt',
    {
      schema: {
        tags,
        summary: "A run's task instances on a time line: each attempt's queued/started/ended times, expectations, ETA",
        params: runParams,
        response: { 200: GANTT_VIEW },
      },
    },
    async (request) => flows().gantt(request.params.runId),
  );

  app.get(
    '/v1/pools',
    {
      schema: {
        tags,
        summary: 'Pools with their slots and the tasks holding or waiting for one',
        response: {
          200: {
            type: 'object',
            required: ['pools'],
            additionalProperties: false,
            properties: { pools: { type: 'array', items: POOL_VIEW } },
          },
        },
      },
    },
    async () => ({ pools: await flows().pools() }),
  );

  app.put<{ Params: { name: string }; Body: { slots: number } }>(
    '/v1/pools/:name',
    {
      schema: {
        tags,
        summary: 'Create a pool or change its slots (admin)',
        params: {
          type: 'object',
          properties: { name: { type: 'string', pattern: POOL_NAME } },
          required: ['name'],
        },
        body: {
          type: 'object',
          required: ['slots'],
          additionalProperties: false,
          properties: { slots: { type: 'integer', minimum: 0, maximum: 100_000 } },
        },
        response: { 200: POOL_VIEW },
      },
    },
    async (request) => {
      requireRole(principalOf(request), 'admin', `Setting the slots of pool ${request.params.name}`);
      await flows().setPool(request.params.name, request.body.slots);
      const pool = (await flows().pools()).find((p) => p.name === request.params.name);
      return pool;
    },
  );
}

/** A table outside the principal's grants is invisible, as in every other route: it leaves the tasks' reads and writes. */
function withVisibleTables(ctx: ApiContext, principal: Principal, flow: FlowDetail): FlowDetail {
  const grants = principal.grants;
  if (grants === null) return flow;
  const visible = (name: string): boolean => {
    try {
      return grants.has(formatTableName(ctx.catalog.resolve(name)));
    } catch {
      return false;
    }
  };
  return {
    ...flow,
    tasks: flow.tasks.map((t) => ({ ...t, reads: t.reads.filter(visible), writes: t.writes.filter(visible) })),
  };
}
