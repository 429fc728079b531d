/**
 * From the `metrics` stream's cumulative counters to rates per interval: requests per
 * second, mean latency (ms) of the requests in the interval, cache hits and misses.
 * Counters that went down (a server restart) start a new baseline instead of a negative rate.
 */
export interface MetricsSample {
  readonly at: string;
  readonly [counter: string]: number | string;
}

export interface MetricsPoint {
  readonly at: number;
  readonly requestsPerSecond: number;
  /** null when no request finished in the interval. */
  readonly meanLatencyMs: number | null;
  readonly cacheHits: number;
  readonly cacheMisses: number;
  readonly streamClients: number;
}

const num = (sample: MetricsSample, key: string): number => {
  const value = sample[key];
  return typeof value === 'number' ? value : 0;
};

export function metricsPoint(previous: MetricsSample, next: MetricsSample): MetricsPoint | undefined {
  const seconds = (Date.parse(next.at) - Date.parse(previous.at)) / 1000;
  if (!(seconds > 0)) return undefined;
  const delta = (key: string) => num(next, key) - num(previous, key);
  const requests = delta('strata_http_requests_total');
  if (requests < 0) return undefined;
  const count = delta('strata_http_request_duration_seconds_count');
  const sum = delta('strata_http_request_duration_seconds_sum');
  return {
    at: Date.parse(next.at),
    requestsPerSecond: requests / seconds,
    meanLatencyMs: count > 0 ? (sum / count) * 1000 : null,
    cacheHits: Math.max(0, delta('strata_api_cache_hit') + delta('strata_api_cache_not_modified')),
    cacheMisses: Math.max(0, delta('strata_api_cache_miss')),
    streamClients: num(next, 'strata_stream_clients'),
  };
}

/** Appends a sample's point to the window (at most `keep` points). */
export function pushSample(
  state: { readonly last: MetricsSample | null; readonly points: readonly MetricsPoint[] },
  sample: MetricsSample,
  keep = 60,
): { readonly last: MetricsSample; readonly points: readonly MetricsPoint[] } {
  const point = state.last === null ? undefined : metricsPoint(state.last, sample);
  return { last: sample, points: point === undefined ? state.points : [...state.points, point].slice(-keep) };
}
