/** The chart of a result: the kind chooseChart picks from the column types, switchable. */
import { useMemo } from 'react';
import { Chart } from '../../components/chart';
import { Empty } from '../../components/empty';
import { CHART_ROWS, chartOption } from './chart-option';
import { chooseChart, type ChartKind, type ResultColumn } from './choose-chart';
import type { ResultRow } from './result-grid';

export interface ResultChartProps {
  readonly columns: readonly ResultColumn[];
  readonly rows: readonly ResultRow[];
  readonly kind: ChartKind | undefined;
  readonly onKind: (kind: ChartKind) => void;
}

export function ResultChart({ columns, rows, kind, onKind }: ResultChartProps) {
  const choice = useMemo(() => chooseChart(columns, kind), [columns, kind]);
  const option = useMemo(() => (choice.kind === 'none' ? undefined : chartOption(choice, rows)), [choice, rows]);
  if (choice.kind === 'none' || option === undefined)
    return <Empty title="No chart for this result">{choice.kind === 'none' ? choice.reason : null}</Empty>;
  return (
    <div className="result-chart">
      <div className="toolbar">
        <label>
          Chart type{' '}
          <select value={choice.kind} onChange={(e) => onKind(e.target.value as ChartKind)}>
            {choice.available.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
        <span className="muted">
          {choice.y.join(', ')} by {choice.x}
          {rows.length > CHART_ROWS ? ` · first ${CHART_ROWS.toLocaleString()} rows` : ''}
        </span>
      </div>
      <Chart option={option} label={`${choice.kind} chart of ${choice.y.join(', ')} by ${choice.x}`} height={360} />
    </div>
  );
}
