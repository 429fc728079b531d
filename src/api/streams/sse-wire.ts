/**
 * The Server-Sent Events wire format (WHATWG HTML, "Server-sent events"). An event is
 * serialized here once, when it is published, and the same bytes go to every client:
 * with tens of thousands of listeners a per-client JSON.stringify would dominate.
 */
import type { StreamEvent } from './stream-events.js';

/** A comment line: keeps proxies and load balancers from closing an idle stream. */
export const HEARTBEAT = Buffer.from(':\n\n');

/** The event's `id:`/`event:`/`data:` lines. JSON never holds a raw newline, so `data` is one line. */
export function sseFrame(event: StreamEvent): Buffer {
  return Buffer.from(`id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`);
}

/** How long a client waits before reconnecting after the stream drops. */
export function retryFrame(milliseconds: number): Buffer {
  return Buffer.from(`retry: ${Math.max(0, Math.round(milliseconds))}\n\n`);
}

/**
 * An event without an id: SSE leaves the client's last event id alone, so it never
 * disturbs resumption (used for the opening `ready` and a closing `error`).
 */
export function sseNotice(type: string, data: unknown): Buffer {
  return Buffer.from(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
}
