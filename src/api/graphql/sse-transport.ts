/**
 * GraphQL over Server-Sent Events (the graphql-sse protocol, distinct connections and
 * single connection modes) at /graphql/stream, over HTTP/1.1 and HTTP/2 alike. The
 * route runs behind the API's auth hook like any other; operations are prepared as on
 * HTTP (enveloped-operation.ts). Every request that is not a subscription being served
 * is answered at once: refusals are 4xx `{ code, message, details }` (sse-reply.ts).
 *
 * Single connection mode keys streams by a token: tokens are namespaced by the
 * principal, so one API token can neither guess nor attach to another's stream.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ExecutionArgs } from 'graphql';
import { createHandler, TOKEN_HEADER_KEY, TOKEN_QUERY_KEY } from 'graphql-sse';
import { isStrataError } from '../../core/index.js';
import type { Principal } from '../../catalog/index.js';
import { principalOf } from '../auth/request-principal.js';
import type { ApiMetrics } from '../observability/metrics.js';
import { isErrors, prepareOperation, type EnvelopedArgs, type OperationDeps } from './enveloped-operation.js';
import { GraphqlOperationError } from './graphql-errors.js';
import { sendSseResponse, sseRequest } from './sse-reply.js';

export const SSE_PATH = '/graphql/stream';

type OperationContext = Record<string, unknown>;

function ownerTag(principal: Principal): string {
  return createHash('sha256')
    .update(principal.tokenId ?? `name:${principal.name}`)
    .digest('base64url')
    .slice(0, 16);
}

/** The stream token, always `<owner>.<id>`: a token given by another principal names a stream that does not exist. */
function streamToken(request: FastifyRequest): string {
  const owner = ownerTag(principalOf(request));
  const header = request.headers[TOKEN_HEADER_KEY];
  const given =
    (Array.isArray(header) ? header[0] : header) ??
    new URL(request.url, 'http://localhost').searchParams.get(TOKEN_QUERY_KEY) ??
    '';
  if (given === '') return `${owner}.${randomUUID()}`;
  return given.startsWith(`${owner}.`) ? given : `${owner}.${given}`;
}

export function attachSse(app: FastifyInstance, deps: OperationDeps, metrics: ApiMetrics): void {
  const open = new WeakSet<object>();
  const handler = createHandler<FastifyRequest, undefined, OperationContext>({
    authenticate: (req) => streamToken(req.raw),
    onSubscribe: async (req, params) => {
      const prepared = await prepareOperation(deps, principalOf(req.raw), params);
      if (!isErrors(prepared)) return prepared as EnvelopedArgs & { contextValue: OperationContext };
      // Refused before anything runs: an HTTP error, like POST /graphql's 4xx, not an empty stream.
      const original = prepared[0]?.originalError;
      if (isStrataError(original)) throw original;
      if (prepared.some((e) => e.extensions.code === 'INTERNAL_SERVER_ERROR'))
        throw new Error('preparing a GraphQL operation failed');
      throw new GraphqlOperationError(prepared);
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
      await sendSseResponse(reply, await handler(sseRequest(request)));
      return reply;
    },
  });
}
