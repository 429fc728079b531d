/**
 * The api suite: the figures the HTTP API issue asks for (cache and 304 latency,
 * compression, SSE and GraphQL-over-WebSocket fan-out, GraphQL vs REST, HTTP/2 vs
 * HTTP/1.1). The server runs in the bench process; every client (autocannon, pages,
 * stream holders) runs in forked client processes. All scenarios share one warehouse
 * (api-warehouse.ts), built once per run.
 */
import type { Suite } from '../harness.js';
import { restCacheLatency } from './cache-latency.js';
import { restMiss } from './rest-miss.js';
import { compressionRatio } from './compression.js';
import { graphqlVsRest } from './graphql-vs-rest.js';
import { h2VsH1 } from './h2-vs-h1.js';
import { sseClients } from './sse-clients.js';
import { wsClients } from './ws-clients.js';

export const apiSuite: Suite = {
  name: 'api',
  scenarios: [restCacheLatency, restMiss, compressionRatio, graphqlVsRest, h2VsH1, sseClients, wsClients],
};
