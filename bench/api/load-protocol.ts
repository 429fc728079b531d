/** Messages between the load driver (load-client.ts) and its client process (load-worker.ts). */

export interface LoadJob {
  readonly kind: 'load';
  readonly url: string;
  readonly method?: 'GET' | 'POST';
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly connections: number;
  /** Seconds. */
  readonly duration: number;
}

export interface LoadResult {
  readonly kind: 'loaded';
  readonly requests: number;
  readonly seconds: number;
  /** Responses per second over the run (every status). */
  readonly rps: number;
  /** Exact percentiles of every response's time (ms), from autocannon's per-response event. */
  readonly p50: number;
  readonly p99: number;
  readonly statuses: Readonly<Record<string, number>>;
  readonly errors: number;
  readonly timeouts: number;
  readonly bytes: number;
}

/** A "page" of API requests made at once, over HTTP/2 (one session) and HTTP/1.1 (6 connections), alternating. */
export interface PagesJob {
  readonly kind: 'pages';
  readonly origin: string;
  readonly paths: readonly string[];
  readonly warmup: number;
  readonly pages: number;
  /** HTTP/1.1 connections per origin (a browser's 6). */
  readonly h1Connections: number;
}

export interface PagesResult {
  readonly kind: 'paged';
  /** Page times, ms, in page order. */
  readonly h2: readonly number[];
  readonly h1: readonly number[];
  readonly bytesPerPage: number;
}

export type LoadWorkerMessage = { readonly kind: 'ready' } | LoadResult | PagesResult;
