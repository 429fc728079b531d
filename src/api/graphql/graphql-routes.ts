/**
 * Mounts GraphQL on the API server: HTTP at /graphql (GET, POST), graphql-ws on the same
 * server's upgrade requests to /graphql, graphql-sse at /graphql/stream. One schema
 * registry and rate limiter serve all three; subscriptions read the event hub.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ApiContext } from '../api-context.js';
import { principalOf } from '../auth/request-principal.js';
import { RateLimitedError } from '../errors.js';
import type { OperationDeps } from './enveloped-operation.js';
import { GRAPHQL_DEFAULTS, type GraphqlOptions } from './graphql-options.js';
import { RateLimiter } from './rate-limiter.js';
import { SchemaRegistry } from './schema-registry.js';
import { attachSse } from './sse-transport.js';
import { attachWebSocket, type Authenticate } from './ws-transport.js';
import { createStrataYoga } from './yoga-server.js';

export interface GraphqlHandle {
  /** Forget memoized table schemas (the next operation regenerates if they changed). */
  invalidateSchemas(): void;
  /** Ends every subscription and closes the WebSocket server. Idempotent. */
  close(): Promise<void>;
}

function rateLimited(reply: FastifyReply, error: RateLimitedError): FastifyReply {
  return reply
    .code(429)
    .header('retry-after', String(error.retryAfterSeconds))
    .header('content-type', 'application/json')
    .send(
      JSON.stringify({
        errors: [
          { message: error.message, extensions: { code: error.code, retryAfterSeconds: error.retryAfterSeconds } },
        ],
      }),
    );
}

/**
 * Yoga's answer as bytes when it has them: its Response keeps the serialized result as
 * `bodyInit`, and reading `body` instead wraps it in a web stream that Fastify pipes
 * chunk by chunk. Streams (incremental delivery) still go as streams.
 */
function bodyOf(response: Response): unknown {
  const init = (response as Response & { bodyInit?: unknown }).bodyInit;
  return typeof init === 'string' || Buffer.isBuffer(init) || init instanceof Uint8Array ? init : response.body;
}

export async function registerGraphql(
  app: FastifyInstance,
  ctx: ApiContext,
  options: GraphqlOptions,
  authenticate: Authenticate,
): Promise<GraphqlHandle> {
  const registry = new SchemaRegistry(ctx, options.schemaRefreshMs ?? GRAPHQL_DEFAULTS.schemaRefreshMs);
  const limiter = new RateLimiter(options.rateLimitPerMinute);
  const yoga = createStrataYoga(options, ctx.metrics);
  const deps: OperationDeps = { yoga, registry, limiter };

  app.route({
    url: '/graphql',
    method: ['GET', 'POST', 'OPTIONS'],
    handler: async (request, reply) => {
      const principal = principalOf(request);
      try {
        limiter.take(principal);
      } catch (error) {
        if (error instanceof RateLimitedError) return rateLimited(reply, error);
        throw error;
      }
      const schema = await registry.schemaFor(principal);
      const response = await yoga.handleNodeRequestAndResponse(request, reply, {
        req: request,
        reply,
        principal,
        schema,
      });
      response.headers.forEach((value, key) => void reply.header(key, value));
      reply.status(response.status);
      return reply.send(bodyOf(response));
    },
  });
  attachSse(app, deps, ctx.metrics);
  const closeWs = attachWebSocket(app, deps, ctx.metrics, authenticate);

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= closeWs();
    return closing;
  };
  app.addHook('preClose', async () => close());
  return { invalidateSchemas: () => registry.invalidate(), close };
}
