/** Messages between a fan-out driver (fanout-driver.ts) and its client processes (fanout-worker.ts). */

export type FanoutTransport = 'sse-h2' | 'sse-h1' | 'ws';

export interface OpenRequest {
  readonly kind: 'open';
  readonly transport: FanoutTransport;
  /** `http://127.0.0.1:port` */
  readonly origin: string;
  /** SSE: the stream's path; ws: `/graphql`. */
  readonly path: string;
  /** Connections this process opens (HTTP/2 sessions, HTTP/1.1 sockets or WebSockets). */
  readonly connections: number;
  /** Streams (SSE) or subscriptions (ws) per connection; 1 for HTTP/1.1. */
  readonly perConnection: number;
  /** Source addresses to spread connections over (HTTP/1.1: 127.0.0.2, ...); default the system's choice. */
  readonly localAddresses?: readonly string[];
  /** Opens in flight at once (streams for SSE, connections for ws). */
  readonly concurrency: number;
  /** ws: the subscription document; its result's first field must have a `version`. */
  readonly query?: string;
}

/** Waits for the event of `version` on every live stream (or until quiet/timeout) and reports arrival − `at`. */
export interface ExpectRequest {
  readonly kind: 'expect';
  readonly version: number;
  /** Epoch ms (performance.timeOrigin + now) taken right before the commit. */
  readonly at: number;
  readonly timeoutMs: number;
  /** Give up this long after the last arrival once at least one arrived. */
  readonly quietMs: number;
}

export type DriverMessage = OpenRequest | ExpectRequest | { readonly kind: 'stats' } | { readonly kind: 'exit' };

export interface FanoutCounts {
  /** Streams asked for. */
  readonly total: number;
  /** Streams accepted by the server (SSE: `ready` event seen; ws: subscribe sent after the ack) and still open. */
  readonly live: number;
  readonly failed: number;
  /** Streams that ended after being accepted. */
  readonly closed: number;
  /** A few distinct failure reasons. */
  readonly errors: readonly string[];
  readonly rssMb: number;
}

export type WorkerMessage =
  | { readonly kind: 'ready' }
  | ({ readonly kind: 'progress' } & FanoutCounts)
  | ({ readonly kind: 'opened' } & FanoutCounts)
  | ({ readonly kind: 'stats' } & FanoutCounts)
  | {
      readonly kind: 'arrivals';
      readonly version: number;
      /** Live streams when the wait ended. */
      readonly expected: number;
      /** Milliseconds from `at` to arrival, one per stream that got the event. */
      readonly latencies: Float64Array;
    };
