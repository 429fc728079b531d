/**
 * Managing a run over REST: `POST /v1/runs/{id}/cancel`, `/clear`, `/mark-failed`,
 * `/mark-success` (writer role or above), the same operations as `strata flow
 * cancel|clear|mark-*`. Each answers `{ run, cleared }`: the run after the change and,
 * for a clear, the tasks sent back to the queue. The principal's name is kept with
 * the run as who managed it.
 */
import type { FastifyInstance } from 'fastify';
import type { FlowControl, RunAction } from '../../flows/index.js';
import type { ApiContext } from '../api-context.js';
import { requireRole } from '../../catalog/index.js';
import { principalOf } from '../auth/request-principal.js';
import { MANAGED_RUN } from './flow-schemas.js';
import { flowControlOf } from './flow-route-params.js';

const tags = ['flows'];
const params = {
  type: 'object',
  properties: { runId: { type: 'integer', minimum: 1 } },
  required: ['runId'],
} as const;
// Optional: a POST without a body acts on the whole run.
const taskBody = {
  type: ['object', 'null'],
  additionalProperties: false,
  properties: {
    taskId: { type: 'string', description: 'one task instead of the whole run' },
    mapIndex: { type: 'integer', minimum: 0, description: 'with taskId: one instance of a mapped task' },
  },
} as const;
interface TaskBody {
  readonly taskId?: string;
  readonly mapIndex?: number;
}

const ROUTES: readonly { path: string; summary: string; action: (body: TaskBody) => RunAction; body: boolean }[] = [
  {
    path: 'cancel',
    summary: 'Cancel a queued or running run (running attempts are stopped)',
    action: () => ({ kind: 'cancel' }),
    body: false,
  },
  {
    path: 'clear',
    summary: "Re-run a finished run's failed and cancelled tasks (or taskId) and their downstream",
    action: (b) => ({ kind: 'clear', ...(b.taskId === undefined ? {} : { taskId: b.taskId }) }),
    body: true,
  },
  ...(['failed', 'success'] as const).map((state) => ({
    path: `mark-${state}`,
    summary: `Mark a run (or one task with taskId) ${state}`,
    action: (b: TaskBody): RunAction => ({
      kind: 'mark',
      state,
      ...(b.taskId === undefined ? {} : { taskId: b.taskId }),
      ...(b.mapIndex === undefined ? {} : { mapIndex: b.mapIndex }),
    }),
    body: true,
  })),
];

export function registerRunManageRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const flows = (): FlowControl => flowControlOf(ctx);
  for (const route of ROUTES) {
    app.post<{ Params: { runId: number }; Body: TaskBody | undefined }>(
      `/v1/runs/:runId/${route.path}`,
      {
        schema: {
          tags,
          summary: route.summary,
          params,
          ...(route.body ? { body: taskBody } : {}),
          response: { 200: MANAGED_RUN },
        },
      },
      async (request) => {
        const principal = principalOf(request);
        requireRole(principal, 'writer', `Managing run ${request.params.runId}`);
        return flows().manageRun(request.params.runId, route.action(request.body ?? {}), principal.name);
      },
    );
  }
}
