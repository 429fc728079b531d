/**
 * GraphQL over Server-Sent Events (the graphql-sse protocol, distinct connections and
 * single connection modes) at /graphql/stream. The route runs behind the API's auth
 * hook like any other; operations are prepared as on HTTP (enveloped-operation.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { ExecutionArgs } from 'graphql';
import { createHandler } from 'graphql-sse/lib/use/fastify';
import type { ApiMetrics } from '../observability/metrics.js';
import { principalOf } from '../auth/request-principal.js';
import { isErrors, prepareOperation, type EnvelopedArgs, type OperationDeps } from './enveloped-operation.js';

export const SSE_PATH = '/graphql/stream';

type OperationContext = Record<string, unknown>;

export function attachSse(app: FastifyInstance, deps: OperationDeps, metrics: ApiMetrics): void {
  const open = new WeakSet<object>();
  const handler = createHandler<OperationContext>({
    onSubscribe: async (req, params) => {
      const prepared = await prepareOperation(deps, principalOf(req.raw), params);
      if (isErrors(prepared)) return { errors: [...prepared] };
      return prepared as EnvelopedArgs & { contextValue: OperationContext };
    },
    execute: (args: ExecutionArgs) => (args as EnvelopedArgs).rootValue.execute(args) as never,
    subscribe: (args: ExecutionArgs) => (args as EnvelopedArgs).rootValue.subscribe(args) as never,
    onOperation: (ctx) => {
      metrics.streamOpened('graphql_sse');
      open.add(ctx);
    },
    onComplete: (ctx) => {
      if (open.delete(ctx)) metrics.streamClosed('graphql_sse');
    },
  });
  app.route({
    url: SSE_PATH,
    method: ['GET', 'POST', 'PUT', 'DELETE'],
    handler: async (request, reply) => {
      // graphql-sse writes the response (an event stream) to the raw socket itself.
      reply.hijack();
      try {
        await handler(request, reply);
      } catch {
        if (!reply.raw.headersSent) reply.raw.writeHead(500, { 'content-type': 'application/json' });
        reply.raw.end(JSON.stringify({ errors: [{ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] }));
      }
    },
  });
}
