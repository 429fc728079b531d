/** What every flow route shares: its path parameters and the server's flows, when it has them. */
import type { FlowControl } from '../../flows/index.js';
import type { ApiContext } from '../api-context.js';
import { NotFoundError } from '../errors.js';

export const flowParams = {
  type: 'object',
  properties: { flowId: { type: 'string' } },
  required: ['flowId'],
} as const;

export const runParams = {
  type: 'object',
  properties: { runId: { type: 'integer', minimum: 1 } },
  required: ['runId'],
} as const;

/** The orchestrator behind `ctx`, or a 404 saying how to start a server that has one. */
export function flowControlOf(ctx: ApiContext): FlowControl {
  if (ctx.flows === undefined)
    throw new NotFoundError(
      'This server runs without flows (start it with `strata up`, or `strata serve` on a warehouse).',
    );
  return ctx.flows;
}
