/**
 * GraphQL over WebSocket (the graphql-ws protocol) at /graphql on the API's own HTTP
 * server. The connection authenticates once, from `connectionParams.authorization` or
 * the upgrade request's Authorization header; each subscription is prepared like an
 * HTTP operation (enveloped-operation.ts). Per subscription the server keeps graphql-ws's
 * bookkeeping and one listener on a shared topic: no timers, no polling.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ExecutionArgs } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { ApiMetrics } from '../observability/metrics.js';
import type { Principal } from '../auth/principal.js';
import { isErrors, prepareOperation, type EnvelopedArgs, type OperationDeps } from './enveloped-operation.js';

export type Authenticate = (authorization: string | undefined) => Promise<Principal>;

interface ConnectionExtra extends Record<PropertyKey, unknown> {
  principal: Principal;
}

function run(kind: 'execute' | 'subscribe') {
  // graphql-ws awaits what these return: a result or an async iterator of results.
  return (args: ExecutionArgs) => (args as EnvelopedArgs).rootValue[kind](args) as ReturnType<NonNullable<Parameters<typeof useServer>[0]['execute']>>;
}

export function attachWebSocket(app: FastifyInstance, deps: OperationDeps, metrics: ApiMetrics, authenticate: Authenticate): () => Promise<void> {
  const wss = new WebSocketServer({ noServer: true });
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (new URL(request.url ?? '/', 'http://localhost').pathname !== '/graphql') return;
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  };
  app.server.on('upgrade', onUpgrade);
  const server = useServer<Record<string, unknown> | undefined, ConnectionExtra>({
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
    onSubscribe: async (ctx, _id, payload) => {
      const principal = ctx.extra.principal;
      if (principal === undefined) return [];
      const prepared = await prepareOperation(deps, principal, payload);
      return isErrors(prepared) ? [...prepared] : prepared;
    },
    execute: run('execute'),
    subscribe: run('subscribe'),
  }, wss);
  return async () => {
    app.server.off('upgrade', onUpgrade);
    for (const client of wss.clients) client.close(1001, 'server shutting down');
    await server.dispose();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  };
}
