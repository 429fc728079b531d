/**
 * The ECharts option of a chart choice over a result's rows. At most CHART_ROWS rows
 * are drawn (a chart of more says nothing more, and costs the page); numbers that
 * arrive as text (wide integers, decimals) are read as numbers.
 */
import type { ChartOption } from '../../components/chart';
import type { ChartChoice } from './choose-chart';
import type { ResultRow } from './result-grid';

export const CHART_ROWS = 5_000;

function numeric(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : null;
}

export function chartOption(choice: Exclude<ChartChoice, { kind: 'none' }>, rows: readonly ResultRow[]): ChartOption {
  const drawn = rows.slice(0, CHART_ROWS);
  const xOf = (row: ResultRow): unknown => (choice.xRole === 'number' ? numeric(row[choice.x]) : row[choice.x]);
  const series = choice.y.map((y) => ({
    name: y,
    type: choice.kind,
    ...(choice.kind === 'line' ? { showSymbol: drawn.length <= 200 } : {}),
    ...(choice.kind === 'scatter' ? { symbolSize: 6 } : {}),
    data: drawn.map((row) => [xOf(row), numeric(row[y])]),
  }));
  const xType =
    choice.kind === 'scatter' || choice.xRole === 'number' ? 'value' : choice.xRole === 'time' ? 'time' : 'category';
  return {
    animation: false,
    tooltip: { trigger: choice.kind === 'scatter' ? 'item' : 'axis' },
    legend: { top: 0 },
    grid: { left: 56, right: 24, top: 36, bottom: 40 },
    xAxis: { type: xType, name: choice.x, nameLocation: 'middle', nameGap: 26 },
    yAxis: { type: 'value', name: choice.kind === 'scatter' ? choice.y[0] : undefined, scale: true },
    series,
  };
}
