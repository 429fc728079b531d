/**
 * The chart component pages use. ECharts is large, so it loads on the first chart drawn
 * (its own chunk, shared by every page), not with the page: the Home page's first load
 * stays small. Registered by default: line, bar, scatter, grid, tooltip, legend,
 * dataset, canvas; a page needing more calls `echarts.use([...])` from 'echarts/core'
 * in its own module.
 */
import type { ECElementEvent, EChartsCoreOption } from 'echarts/core';
import { lazy, Suspense } from 'react';
import { Loading } from './loading';

export type ChartOption = EChartsCoreOption;

export interface ChartProps {
  readonly option: ChartOption;
  /** The chart's accessible name (role img). */
  readonly label: string;
  readonly height?: number | string;
  /** ECharts click events (e.g. a node of a graph). */
  readonly onClick?: (params: ECElementEvent) => void;
}

const EchartsChart = lazy(() => import('./echarts-chart'));

export function Chart(props: ChartProps) {
  return (
    <Suspense
      fallback={
        <div style={{ height: props.height ?? 260 }}>
          <Loading label="Loading chart" />
        </div>
      }
    >
      <EchartsChart {...props} />
    </Suspense>
  );
}
