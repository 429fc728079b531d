import { describe, expect, it } from 'vitest';
import { metricsPoint, pushSample, type MetricsSample } from './live-metrics';

const sample = (at: string, requests: number, sum: number, count: number, hit = 0, miss = 0): MetricsSample => ({
  at,
  strata_http_requests_total: requests,
  strata_http_request_duration_seconds_sum: sum,
  strata_http_request_duration_seconds_count: count,
  strata_api_cache_hit: hit,
  strata_api_cache_miss: miss,
  strata_stream_clients: 1,
});

describe('live metrics', () => {
  it('turns counters into rates and a mean latency over the interval', () => {
    const point = metricsPoint(
      sample('2026-01-01T00:00:00Z', 10, 1, 10, 2, 3),
      sample('2026-01-01T00:00:05Z', 30, 1.5, 30, 7, 4),
    )!;
    expect(point.requestsPerSecond).toBe(4);
    expect(point.meanLatencyMs).toBeCloseTo(25);
    expect(point.cacheHits).toBe(5);
    expect(point.cacheMisses).toBe(1);
  });

  it('has no latency without requests, and no point across a restart or a clock step back', () => {
    expect(
      metricsPoint(sample('2026-01-01T00:00:00Z', 10, 1, 10), sample('2026-01-01T00:00:05Z', 10, 1, 10))!.meanLatencyMs,
    ).toBeNull();
    expect(
      metricsPoint(sample('2026-01-01T00:00:00Z', 10, 1, 10), sample('2026-01-01T00:00:05Z', 2, 0, 2)),
    ).toBeUndefined();
    expect(
      metricsPoint(sample('2026-01-01T00:00:05Z', 1, 0, 1), sample('2026-01-01T00:00:00Z', 2, 0, 2)),
    ).toBeUndefined();
  });

  it('keeps a bounded window of points', () => {
    let state = {
      last: null as MetricsSample | null,
      points: [] as readonly ReturnType<typeof metricsPoint>[],
    } as Parameters<typeof pushSample>[0];
    for (let i = 0; i < 10; i++)
      state = pushSample(state, sample(new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(), i * 2, 0, i), 4);
    expect(state.points).toHaveLength(4);
    expect(state.points.every((p) => p.requestsPerSecond === 2)).toBe(true);
  });
});
