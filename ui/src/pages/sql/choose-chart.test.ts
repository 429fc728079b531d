import { describe, expect, it } from 'vitest';
import { chooseChart, columnRole } from './choose-chart';

const col = (name: string, type: string) => ({ name, type });

describe('chooseChart', () => {
  it('draws numbers over a date or time as a line', () => {
    expect(chooseChart([col('day', 'DATE'), col('total', 'DOUBLE'), col('n', 'BIGINT')])).toEqual({
      kind: 'line',
      x: 'day',
      xRole: 'time',
      y: ['total', 'n'],
      available: ['line', 'bar', 'scatter'],
    });
    expect(chooseChart([col('at', 'TIMESTAMP WITH TIME ZONE'), col('v', 'DECIMAL(10,2)')])).toMatchObject({
      kind: 'line',
      x: 'at',
      y: ['v'],
    });
  });

  it('draws numbers per category as bars', () => {
    expect(chooseChart([col('region', 'VARCHAR'), col('amount', 'DOUBLE')])).toEqual({
      kind: 'bar',
      x: 'region',
      xRole: 'text',
      y: ['amount'],
      available: ['line', 'bar'],
    });
  });

  it('draws two numbers as a scatter', () => {
    expect(chooseChart([col('id', 'BIGINT'), col('amount', 'DOUBLE')])).toMatchObject({
      kind: 'scatter',
      x: 'id',
      y: ['amount'],
    });
  });

  it('switches to an asked kind only when the columns allow it', () => {
    const columns = [col('region', 'VARCHAR'), col('amount', 'DOUBLE')];
    expect(chooseChart(columns, 'line')).toMatchObject({ kind: 'line', x: 'region' });
    expect(chooseChart(columns, 'scatter')).toMatchObject({ kind: 'bar' });
    expect(chooseChart([col('id', 'INTEGER'), col('a', 'FLOAT')], 'bar')).toMatchObject({
      kind: 'bar',
      x: 'id',
      y: ['a'],
    });
  });

  it('says why there is no chart', () => {
    expect(chooseChart([col('name', 'VARCHAR'), col('day', 'DATE')])).toMatchObject({ kind: 'none', available: [] });
    expect(chooseChart([col('n', 'BIGINT')])).toMatchObject({
      kind: 'none',
      reason: expect.stringContaining('second'),
    });
    expect(chooseChart([])).toMatchObject({ kind: 'none' });
  });

  it('caps the series', () => {
    const many = Array.from({ length: 10 }, (_, i) => col(`v${i}`, 'DOUBLE'));
    const choice = chooseChart([col('day', 'DATE'), ...many]);
    expect(choice.kind === 'none' ? [] : choice.y).toHaveLength(6);
  });

  it('reads DuckDB type names', () => {
    expect(['HUGEINT', 'UBIGINT', 'decimal(18,3)', 'REAL'].map(columnRole)).toEqual([
      'number',
      'number',
      'number',
      'number',
    ]);
    expect(['DATE', 'TIME', 'TIMESTAMP_NS', 'TIMESTAMP WITH TIME ZONE'].map(columnRole)).toEqual([
      'time',
      'time',
      'time',
      'time',
    ]);
    expect(['VARCHAR', 'BOOLEAN', 'INTEGER[]', 'STRUCT(a INTEGER)'].map(columnRole)).toEqual([
      'text',
      'text',
      'text',
      'text',
    ]);
  });
});
