/**
 * One SSE client: a hijacked response (HTTP/1.1 ServerResponse or HTTP/2
 * Http2ServerResponse, both have write/end) that the hub's listener writes shared
 * wire Buffers to. No timers, no queue of its own: a client whose socket buffer grows
 * past the bound cannot keep up and is disconnected (it resumes with Last-Event-ID),
 * so one slow reader never holds memory for every event published.
 */
import type { ServerResponse } from 'node:http';
import type { Http2ServerResponse } from 'node:http2';
import { isStrataError } from '../../core/index.js';
import { redactPaths } from '../../engine/index.js';
import { sseNotice } from './sse-wire.js';
import type { StreamEvent } from './stream-events.js';
import type { StreamListener } from './stream-listener.js';

export type SseResponse = ServerResponse | Http2ServerResponse;

export class SseClient implements StreamListener {
  #closed = false;

  constructor(
    private readonly response: SseResponse,
    private readonly maxBufferedBytes: number,
  ) {}

  get closed(): boolean {
    return this.#closed;
  }

  event(_event: StreamEvent, wire: Buffer): void {
    this.write(wire);
  }

  heartbeat(wire: Buffer): void {
    this.write(wire);
  }

  end(error?: unknown): void {
    if (this.#closed) return;
    if (error !== undefined) this.write(sseNotice('error', errorBody(error)));
    this.#closed = true;
    this.response.end();
  }

  write(wire: Buffer): void {
    if (this.#closed) return;
    if (buffered(this.response) > this.maxBufferedBytes) {
      this.#closed = true;
      // destroy, not end: end would wait for the very backlog that is the problem.
      if ('stream' in this.response) this.response.stream.destroy();
      else this.response.destroy();
      return;
    }
    if ('stream' in this.response) this.response.write(wire);
    else this.response.write(wire);
  }
}

/** Bytes written but not yet handed to the kernel: the response's own and its socket's (or stream's). */
function buffered(response: SseResponse): number {
  if ('stream' in response) return response.stream.writableLength;
  return response.writableLength;
}

function errorBody(error: unknown): { code: string; message: string } {
  // Only Strata's own errors are shown to the client; a Node error's code (ECONNRESET, ...) is not.
  // One body for every listener, admins or not: it names no server path (the table is in the topic).
  if (isStrataError(error)) return { code: error.code, message: redactPaths(error.message, []) };
  return { code: 'INTERNAL', message: 'The stream failed; reconnect to resume.' };
}
