/**
 * `GET /v1/streams/runs/{runId}/tasks/{taskId}/logs`: a task's log lines as Server-Sent
 * Events while it runs. Each line is a `line` event whose id is the line's id, so a
 * reconnecting EventSource resumes after the last line it got (`Last-Event-ID`, or
 * `after_id` for the first request). The stream ends with an id-less `end` event
 * (`{state, errors}`) once the task is finished, or, with `attempt`, once that attempt
 * is over; a client closes its EventSource on `end` (EventSource would reconnect).
 * Lines are read by polling FlowControl.logs from the cursor: the same reads as
 * `strata flow logs --follow`, local or through the owner process's control socket.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type {} from '@fastify/compress';
import type { FlowControl, LogPage, LogQuery } from '../../flows/index.js';
import type { ApiContext } from '../api-context.js';
import { principalOf } from '../auth/request-principal.js';
import { NotFoundError } from '../errors.js';
import { HEARTBEAT, retryFrame, sseNotice } from './sse-wire.js';

export interface LogFollowOptions {
  /** How often the log is read for new lines (default 250 ms). */
  readonly pollMs?: number;
  /** A comment line this often keeps idle proxies from closing the stream (default 15 s). */
  readonly heartbeatMs?: number;
}

interface Query {
  map_index?: number;
  attempt?: number;
  after_id?: number;
}

export function registerLogFollowRoute(app: FastifyInstance, ctx: ApiContext, options: LogFollowOptions = {}): void {
  app.get<{ Params: { runId: number; taskId: string }; Querystring: Query }>(
    '/v1/streams/runs/:runId/tasks/:taskId/logs',
    {
      compress: false,
      schema: {
        tags: ['streams'],
        summary: "A task's log lines as they are written (`line` events), ending with `end` when the task is over",
        produces: ['text/event-stream'],
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
      },
    },
    async (request, reply) => {
      principalOf(request);
      if (ctx.flows === undefined)
        throw new NotFoundError('This server runs without flows, so it has no task logs (start it with `strata up`).');
      const { map_index: mapIndex, attempt } = request.query;
      const query: LogQuery = {
        runId: request.params.runId,
        taskId: request.params.taskId,
        ...(mapIndex === undefined ? {} : { mapIndex }),
        ...(attempt === undefined ? {} : { attempt }),
      };
      const afterId = cursorOf(request);
      // Read before answering: an unknown run or task is still a JSON 404.
      const first = await ctx.flows.logs({ ...query, afterId });
      reply.hijack();
      const response = reply.raw;
      response.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        'x-accel-buffering': 'no',
      });
      response.write(retryFrame(3000));
      void follow(ctx.flows, query, first, afterId, response, options);
    },
  );
}

async function follow(
  flows: FlowControl,
  query: LogQuery,
  first: LogPage,
  startAfter: number,
  response: NodeJS.WritableStream & { destroyed: boolean; on(event: 'close', fn: () => void): unknown },
  options: LogFollowOptions,
): Promise<void> {
  let closed = false;
  response.on('close', () => (closed = true));
  const pollMs = options.pollMs ?? 250;
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  let page = first;
  let cursor = startAfter;
  let quietSince = Date.now();
  try {
    for (;;) {
      for (const line of page.lines) {
        response.write(`id: ${line.id}\nevent: line\ndata: ${JSON.stringify(line)}\n\n`);
        cursor = Math.max(cursor, line.id);
        quietSince = Date.now();
      }
      if (isOver(page, query.attempt)) {
        response.end(sseNotice('end', { state: page.state, errors: page.errors }));
        return;
      }
      if (Date.now() - quietSince >= heartbeatMs) {
        response.write(HEARTBEAT);
        quietSince = Date.now();
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
      if (closed || response.destroyed) return;
      page = await flows.logs({ ...query, afterId: cursor });
    }
  } catch (error) {
    if (closed || response.destroyed) return;
    const e = error as { code?: string; message?: string };
    response.end(sseNotice('error', { code: e.code ?? 'INTERNAL', message: e.message ?? String(error) }));
  }
}

/** Lines are written before the attempt is reported over, so an attempt seen over has all its lines. */
function isOver(page: LogPage, attempt: number | undefined): boolean {
  if (page.finished) return true;
  // A retried attempt leaves its error behind (outcome up_for_retry) while the task goes on.
  return attempt !== undefined && page.errors.some((e) => e.attempt === attempt);
}

function cursorOf(request: FastifyRequest<{ Querystring: Query }>): number {
  const header = request.headers['last-event-id'];
  const value = Array.isArray(header) ? header[0] : header;
  if (value !== undefined && /^\d{1,15}$/.test(value.trim())) return Number(value.trim());
  return request.query.after_id ?? 0;
}
