import { describe, expect, it } from 'vitest';
import { CHART_ROWS, chartOption } from './chart-option';
import { chooseChart } from './choose-chart';

describe('chartOption', () => {
  it('plots each numeric column as a series over the x column, reading numbers sent as text', () => {
    const choice = chooseChart([
      { name: 'day', type: 'DATE' },
      { name: 'total', type: 'DECIMAL(18,2)' },
    ]);
    if (choice.kind === 'none') throw new Error('expected a chart');
    const option = chartOption(choice, [
      { day: '2024-01-01', total: '12.50' },
      { day: '2024-01-02', total: null },
    ]) as { xAxis: { type: string }; series: { type: string; name: string; data: unknown[] }[] };
    expect(option.xAxis.type).toBe('time');
    expect(option.series).toMatchObject([
      {
        type: 'line',
        name: 'total',
        data: [
          ['2024-01-01', 12.5],
          ['2024-01-02', null],
        ],
      },
    ]);
  });

  it('draws at most CHART_ROWS rows', () => {
    const choice = chooseChart([
      { name: 'x', type: 'BIGINT' },
      { name: 'y', type: 'DOUBLE' },
    ]);
    if (choice.kind === 'none') throw new Error('expected a chart');
    const rows = Array.from({ length: CHART_ROWS + 10 }, (_, i) => ({ x: i, y: i * 2 }));
    const option = chartOption(choice, rows) as {
      xAxis: { type: string };
      series: { type: string; data: unknown[] }[];
    };
    expect(option.xAxis.type).toBe('value');
    expect(option.series[0]!.type).toBe('scatter');
    expect(option.series[0]!.data).toHaveLength(CHART_ROWS);
  });
});
