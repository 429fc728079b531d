/**
 * `GET /v1/streams/...`: Server-Sent Events over the EventHub. A request is checked
 * (table access, the run exists) like any other route and fails with the usual JSON
 * error; once it is accepted the response is hijacked and the hub's shared wire
 * Buffers are written to it raw, so a broadcast to tens of thousands of clients costs
 * one serialization and one write per client. Works the same over HTTP/1.1 and HTTP/2.
 *
 * Resumption: `Last-Event-ID` (what EventSource sends on reconnect) or `?lastEventId=`.
 * The stream opens with a `retry:` hint and an id-less `ready` event once the topic's
 * source has its baseline (and any replay was sent); heartbeats are `:` comment lines.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type {} from '@fastify/compress';
import type { ApiContext } from '../api-context.js';
import { principalOf } from '../auth/request-principal.js';
import { NotFoundError } from '../errors.js';
import { SseClient } from './sse-client.js';
import { retryFrame, sseNotice } from './sse-wire.js';
import type { AttachOptions } from './stream-listener.js';
import { METRICS_TOPIC, RUNS_TOPIC, runTopic } from './stream-topics.js';

export interface StreamRouteOptions {
  /** The reconnect delay suggested to clients (default 3 s). */
  readonly retryMs?: number;
  /** A client with more unsent bytes than this is disconnected (default 1 MiB). */
  readonly maxBufferedBytes?: number;
}

const tags = ['streams'];
const lastEventQuery = { type: 'object', properties: { lastEventId: { type: 'string' } } } as const;
type StreamQuery = { lastEventId?: string };

export function registerStreamRoutes(app: FastifyInstance, ctx: ApiContext, options: StreamRouteOptions = {}): void {
  // Compression would buffer events until a block fills; hijacked replies bypass it anyway, this says so.
  const route = (summary: string, params?: object) => ({
    compress: false as const,
    schema: {
      tags,
      summary,
      querystring: lastEventQuery,
      produces: ['text/event-stream'],
      ...(params ? { params } : {}),
    },
  });
  const open = (
    request: FastifyRequest<{ Querystring: StreamQuery }>,
    reply: FastifyReply,
    topic: string,
    attach: AttachOptions = {},
  ): void => {
    openStream(ctx, request, reply, topic, { ...attach, ...lastEventIdOf(request) }, options);
  };

  app.get<{ Params: { name: string }; Querystring: StreamQuery }>(
    '/v1/streams/tables/:name',
    route('Commits of a table as they happen', {
      type: 'object',
      properties: { name: { type: 'string' } },
      required: ['name'],
    }),
    async (request, reply) => {
      const access = await ctx.tables.access(principalOf(request), request.params.name, 'read');
      // Change rows are serialized once for everybody: a principal limited to some columns or rows gets commits without them.
      open(request, reply, `tables/${access.table.name}`, {
        withoutChanges: access.columns !== null || access.rowFilter !== null,
      });
    },
  );

  app.get<{ Querystring: StreamQuery }>(
    '/v1/streams/runs',
    route('State changes of every flow run'),
    async (request, reply) => {
      principalOf(request);
      flowsOf(ctx);
      open(request, reply, RUNS_TOPIC);
    },
  );

  app.get<{ Params: { runId: number }; Querystring: StreamQuery }>(
    '/v1/streams/runs/:runId',
    route("One run's run and task state changes", {
      type: 'object',
      properties: { runId: { type: 'integer', minimum: 1 } },
      required: ['runId'],
    }),
    async (request, reply) => {
      principalOf(request);
      await flowsOf(ctx).run(request.params.runId);
      open(request, reply, runTopic(request.params.runId));
    },
  );

  app.get<{ Querystring: StreamQuery }>(
    '/v1/streams/metrics',
    route("The server's live metrics every few seconds"),
    async (request, reply) => {
      principalOf(request);
      open(request, reply, METRICS_TOPIC);
    },
  );
}

function flowsOf(ctx: ApiContext): NonNullable<ApiContext['flows']> {
  if (ctx.flows === undefined)
    throw new NotFoundError('This server runs without flows, so it has no run streams (start it with `strata up`).');
  return ctx.flows;
}

function lastEventIdOf(request: FastifyRequest<{ Querystring: StreamQuery }>): { lastEventId?: string } {
  // The header wins: EventSource sends it on reconnect, newer than the URL's initial position.
  const header = request.headers['last-event-id'];
  const value = (Array.isArray(header) ? header[0] : header) ?? request.query.lastEventId;
  return value === undefined || value === '' ? {} : { lastEventId: value };
}

function openStream(
  ctx: ApiContext,
  request: FastifyRequest,
  reply: FastifyReply,
  topic: string,
  attach: AttachOptions,
  options: StreamRouteOptions,
): void {
  const response = reply.raw;
  const client = new SseClient(response, options.maxBufferedBytes ?? 1024 * 1024);
  // Attaching first: a bad Last-Event-ID or topic still fails as a JSON error. Nothing
  // is delivered before the headers below, since events arrive only from async work.
  const attachment = ctx.events.attach(topic, client, attach);
  reply.hijack();
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    'x-accel-buffering': 'no',
  });
  ctx.metrics.streamOpened('sse');
  let closed = false;
  response.on('close', () => {
    if (closed) return;
    closed = true;
    attachment.detach();
    ctx.metrics.streamClosed('sse');
  });
  client.write(retryFrame(options.retryMs ?? 3000));
  attachment.ready.then(
    () => client.write(sseNotice('ready', { topic: ctx.events.topicName(topic) })),
    (error: unknown) => client.end(error),
  );
}
