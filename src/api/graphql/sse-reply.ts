/**
 * Between Fastify and graphql-sse's protocol handler (instead of graphql-sse's own
 * Fastify adapter): the request as graphql-sse reads it, and its answer written so it
 * works on every protocol the server speaks and keeps the API's error contract:
 *  - headers graphql-sse asks for that do not exist are absent, not the text "undefined"
 *    (the adapter's reading made every token-less client share one stream, token
 *    "undefined", and a GET could then attach to a stream nobody would ever end);
 *  - connection-specific headers (`connection: keep-alive`) are dropped: HTTP/2 forbids
 *    them, and on HTTP/1.1 Node manages the connection itself;
 *  - refusals (no stream, missing query, wrong Accept) leave through the API's error
 *    mapping as `{ code, message, details }` with graphql-sse's status.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Request as SseRequest, Response as SseResponse, ResponseBody } from 'graphql-sse';
import { StrataError } from '../../core/index.js';
import { toHttpError } from '../error-mapping.js';
import { BadRequestError, NotFoundError, UnsupportedMediaTypeError } from '../errors.js';

export function sseRequest(request: FastifyRequest): SseRequest<FastifyRequest, undefined> {
  return {
    method: request.method,
    url: request.url,
    headers: {
      get: (key) => {
        const value = request.headers[key.toLowerCase()];
        return Array.isArray(value) ? value.join(', ') : value;
      },
    },
    // Fastify has parsed a JSON body already; graphql-sse refuses other content types (415).
    body: () => (request.body ?? null) as string | Record<PropertyKey, unknown> | null,
    raw: request,
    context: undefined,
  };
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);

/** What to do next, per refusal graphql-sse gives. */
const HINTS: Readonly<Record<number, string>> = {
  400: 'Send the operation as ?query=... (GET) or a JSON body {"query": ...} (POST).',
  404: 'No event stream is registered under this token: open one with Accept: text/event-stream (distinct connections), or PUT /graphql/stream first and send its token in x-graphql-event-stream-token (single connection).',
  405: 'Mutations need POST.',
  406: 'Subscribe with Accept: text/event-stream; operations posted to a registered stream take Accept: application/json.',
  409: 'A stream or operation with this id exists already: pick another, or DELETE /graphql/stream?operationId=... first.',
  415: 'POST operations as application/json.',
};

function refusal(status: number, body: ResponseBody | null, statusText: string): StrataError {
  let said = statusText;
  if (typeof body === 'string') {
    try {
      said = (JSON.parse(body) as { errors?: { message?: string }[] }).errors?.[0]?.message ?? said;
    } catch {
      // Not JSON: the status text says enough.
    }
  }
  const message = `${said}. ${HINTS[status] ?? ''}`.trim();
  if (status === 404) return new NotFoundError(message, { path: '/graphql/stream' });
  if (status === 406 || status === 415) return new UnsupportedMediaTypeError(status, message);
  return new BadRequestError(message, { status });
}

/** Writes graphql-sse's answer; resolves when the response (an event stream included) has ended. */
export async function sendSseResponse(reply: FastifyReply, [body, init]: SseResponse): Promise<void> {
  if (init.status >= 400) {
    const http = toHttpError(refusal(init.status, body, init.statusText));
    const allow = init.headers?.allow;
    void reply
      .code(init.status)
      .headers({ ...http.headers, ...(allow === undefined ? {} : { allow }) })
      .send(http.body);
    return;
  }
  const headers = Object.fromEntries(
    Object.entries(init.headers ?? {}).filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase())),
  );
  if (body === null || typeof body === 'string') {
    void reply
      .code(init.status)
      .headers(headers)
      .send(body ?? undefined);
    return;
  }
  // An event stream: written to the raw response, so no onSend hook (compression) buffers it.
  delete headers['content-encoding'];
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(init.status, { ...headers, 'x-accel-buffering': 'no' });
  const stop = () => void body.return(undefined);
  raw.once('close', stop);
  try {
    for await (const chunk of body) {
      if (raw.destroyed || !raw.writable) break;
      await new Promise<void>((resolve, reject) => raw.write(chunk, (error) => (error ? reject(error) : resolve())));
    }
  } catch {
    // The client went away mid-write: nothing left to tell it.
  } finally {
    raw.off('close', stop);
    await body.return(undefined);
    if (!raw.writableEnded) raw.end();
  }
}
