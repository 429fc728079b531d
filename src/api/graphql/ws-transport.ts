/**
 * GraphQL over WebSocket (the graphql-ws protocol) at /graphql on the API's own HTTP
 * server. The connection authenticates once, from `connectionParams.authorization` or
 * the upgrade request's Authorization header; each operation is prepared like an HTTP
 * operation (enveloped-operation.ts). Subscriptions that would get the same payloads
 * share one execution per event (shared-subscriptions.ts): per subscription the server
 * keeps graphql-ws's bookkeeping and a group membership; no timers, no polling.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { getOperationAST, type ExecutionArgs, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ApiMetrics } from '../observability/metrics.js';
import type { Principal } from '../../catalog/index.js';
import { isErrors, prepareOperation, type EnvelopedArgs, type OperationDeps } from './enveloped-operation.js';
import { toGraphQLError } from './graphql-errors.js';
import { SharedSubscriptions, sharingKey, type Subscriber } from './shared-subscriptions.js';

export type Authenticate = (authorization: string | undefined) => Promise<Principal>;

interface ConnectionExtra extends Record<PropertyKey, unknown> {
  principal: Principal;
}

function run(kind: 'execute' | 'subscribe') {
  // graphql-ws awaits what these return: a result or an async iterator of results.
  return (args: ExecutionArgs) =>
    (args as EnvelopedArgs).rootValue[kind](args) as ReturnType<
      NonNullable<Parameters<typeof useServer>[0]['execute']>
    >;
}

export function attachWebSocket(
  app: FastifyInstance,
  deps: OperationDeps,
  metrics: ApiMetrics,
  authenticate: Authenticate,
): () => Promise<void> {
  const wss = new WebSocketServer({ noServer: true });
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (new URL(request.url ?? '/', 'http://localhost').pathname !== '/graphql') return;
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  };
  app.server.on('upgrade', onUpgrade);
  const shared = new SharedSubscriptions();
  const server = useServer<Record<string, unknown> | undefined, ConnectionExtra>(
    {
      onConnect: async (ctx) => {
        const fromParams = ctx.connectionParams?.authorization;
        const header = typeof fromParams === 'string' ? fromParams : ctx.extra.request.headers.authorization;
        try {
          ctx.extra.principal = await authenticate(header);
        } catch {
          return false;
        }
        metrics.streamOpened('graphql_ws');
        return true;
      },
      onClose: (ctx) => {
        if (ctx.acknowledged) metrics.streamClosed('graphql_ws');
      },
      onSubscribe: async (ctx, id, payload) => {
        const principal = ctx.extra.principal;
        if (principal === undefined) return [];
        const subscriber: Subscriber = { socket: ctx.extra.socket as WebSocket, id, connection: ctx };
        const key = sharingKey(principal, payload);
        let schema: GraphQLSchema;
        try {
          // The principal's schema is memoized: a subscriber joining a live group costs map lookups.
          schema = await deps.registry.schemaFor(principal);
          const joined = shared.join(schema, key, subscriber);
          if (joined !== undefined) {
            deps.limiter.take(principal);
            metrics.graphqlOperation('subscription', 'ok');
            return joined;
          }
        } catch (error) {
          return [toGraphQLError(error)];
        }
        const prepared = await prepareOperation(deps, principal, payload);
        if (isErrors(prepared)) return [...prepared];
        if (getOperationAST(prepared.document, prepared.operationName)?.operation !== 'subscription') return prepared;
        return shared.start(schema, key, prepared, subscriber);
      },
      execute: run('execute'),
      subscribe: run('subscribe'),
    },
    wss,
  );
  return async () => {
    app.server.off('upgrade', onUpgrade);
    for (const client of wss.clients) client.close(1001, 'server shutting down');
    await server.dispose();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  };
}
