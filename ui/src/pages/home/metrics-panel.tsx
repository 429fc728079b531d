/** Live request rate, mean latency and cache outcomes from the `metrics` stream, charted. */
import { useMemo, useState } from 'react';
import { Chart, type ChartOption } from '../../components/chart';
import { Loading } from '../../components/loading';
import { useEventSource } from '../../components/use-event-source';
import { pushSample, type MetricsPoint, type MetricsSample } from './live-metrics';

const time = (at: number) => new Date(at).toLocaleTimeString();

function option(points: readonly MetricsPoint[]): ChartOption {
  const x = points.map((p) => time(p.at));
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 48, right: 48, top: 36, bottom: 28 },
    xAxis: { type: 'category', data: x, boundaryGap: false },
    yAxis: [
      { type: 'value', name: 'req/s', minInterval: 1 },
      { type: 'value', name: 'ms', splitLine: { show: false } },
    ],
    series: [
      { name: 'Requests/s', type: 'line', showSymbol: false, data: points.map((p) => round(p.requestsPerSecond)) },
      {
        name: 'Mean latency (ms)',
        type: 'line',
        yAxisIndex: 1,
        showSymbol: false,
        connectNulls: true,
        data: points.map((p) => (p.meanLatencyMs === null ? null : round(p.meanLatencyMs))),
      },
      { name: 'Cache hits', type: 'bar', data: points.map((p) => p.cacheHits) },
      { name: 'Cache misses', type: 'bar', data: points.map((p) => p.cacheMisses) },
    ],
  };
}

const round = (value: number) => Math.round(value * 100) / 100;

export function MetricsPanel() {
  const [state, setState] = useState<Parameters<typeof pushSample>[0]>({ last: null, points: [] });
  const { state: connection } = useEventSource('/v1/streams/metrics', {
    events: ['metrics'],
    onEvent: (_name, data) => setState((current) => pushSample(current, data as MetricsSample)),
  });
  const chart = useMemo(() => option(state.points), [state.points]);
  const latest = state.points.at(-1);

  return (
    <section className="panel" aria-labelledby="metrics-title">
      <h2 id="metrics-title">
        Live metrics <span className="muted">({connection === 'open' ? 'live' : connection})</span>
      </h2>
      {latest && (
        <p className="muted" aria-label="Latest figures">
          {round(latest.requestsPerSecond)} req/s ·{' '}
          {latest.meanLatencyMs === null ? '–' : `${round(latest.meanLatencyMs)} ms`} mean latency · cache{' '}
          {latest.cacheHits} hit / {latest.cacheMisses} miss · {latest.streamClients} stream clients
        </p>
      )}
      {state.points.length === 0 && state.last !== null && (
        <p className="muted" aria-label="Totals so far">
          {Number(state.last.strata_http_requests_total ?? 0)} requests served so far; rates follow with the next
          figures (every few seconds).
        </p>
      )}
      {state.points.length === 0 ? (
        <Loading label="Waiting for the first figures" />
      ) : (
        <Chart option={chart} label="Requests per second, mean latency and cache outcomes over time" height={240} />
      )}
    </section>
  );
}
