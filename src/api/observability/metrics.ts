/**
 * Prometheus metrics of one server (`GET /metrics`): requests by route and status
 * with latency histograms, cache outcomes, open stream clients by transport, GraphQL
 * operations. Each server has its own registry, so two servers in one process (tests)
 * do not mix their figures.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type CacheOutcome = 'hit' | 'miss' | 'not_modified';
export type StreamTransport = 'sse' | 'graphql_ws' | 'graphql_sse';

export class ApiMetrics {
  readonly registry = new Registry();
  readonly #requests: Counter<'method' | 'route' | 'status'>;
  readonly #latency: Histogram<'method' | 'route'>;
  readonly #cache: Counter<'outcome'>;
  readonly #streams: Gauge<'transport'>;
  readonly #graphql: Counter<'operation' | 'outcome'>;
  readonly #events: Counter<'topic_kind'>;

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'strata_' });
    const registers = [this.registry];
    this.#requests = new Counter({
      name: 'strata_http_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.#latency = new Histogram({
      name: 'strata_http_request_duration_seconds',
      help: 'Time from request to response',
      labelNames: ['method', 'route'],
      registers,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    });
    this.#cache = new Counter({
      name: 'strata_api_cache_total',
      help: 'Cacheable responses by outcome',
      labelNames: ['outcome'],
      registers,
    });
    this.#streams = new Gauge({
      name: 'strata_stream_clients',
      help: 'Open stream clients by transport',
      labelNames: ['transport'],
      registers,
    });
    this.#graphql = new Counter({
      name: 'strata_graphql_operations_total',
      help: 'GraphQL operations by type and outcome',
      labelNames: ['operation', 'outcome'],
      registers,
    });
    this.#events = new Counter({
      name: 'strata_stream_events_total',
      help: 'Events published, by topic kind',
      labelNames: ['topic_kind'],
      registers,
    });
  }

  request(method: string, route: string, status: number, seconds: number): void {
    this.#requests.inc({ method, route, status: String(status) });
    this.#latency.observe({ method, route }, seconds);
  }

  cacheOutcome(outcome: CacheOutcome): void {
    this.#cache.inc({ outcome });
  }

  streamOpened(transport: StreamTransport): void {
    this.#streams.inc({ transport });
  }

  streamClosed(transport: StreamTransport): void {
    this.#streams.dec({ transport });
  }

  graphqlOperation(operation: string, outcome: 'ok' | 'error'): void {
    this.#graphql.inc({ operation, outcome });
  }

  eventPublished(topic: string): void {
    this.#events.inc({ topic_kind: topic.split('/')[0] ?? topic });
  }

  /** A small JSON summary for the live `metrics` stream. */
  async snapshot(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const metric of await this.registry.getMetricsAsJSON()) {
      // The console charts latency (sum/count: the mean over an interval) and cache outcomes.
      if (metric.name === 'strata_http_request_duration_seconds') {
        for (const value of metric.values as { value: number; metricName?: string }[]) {
          if (value.metricName?.endsWith('_sum') || value.metricName?.endsWith('_count'))
            out[value.metricName] = (out[value.metricName] ?? 0) + value.value;
        }
        continue;
      }
      if (metric.name === 'strata_api_cache_total') {
        for (const value of metric.values as { value: number; labels: Record<string, string | number> }[]) {
          const key = `strata_api_cache_${String(value.labels.outcome)}`;
          out[key] = (out[key] ?? 0) + value.value;
        }
      }
      if (
        !metric.name.startsWith('strata_http_requests_total') &&
        !metric.name.startsWith('strata_stream_clients') &&
        !metric.name.startsWith('strata_api_cache')
      )
        continue;
      out[metric.name] = (metric.values as { value: number }[]).reduce((sum, v) => sum + v.value, 0);
    }
    return out;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
