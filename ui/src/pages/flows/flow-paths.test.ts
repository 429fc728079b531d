import { describe, expect, it } from 'vitest';
import { flowPath, flowsView, flowsViewOf } from './flow-paths';

describe('flow paths', () => {
  it('builds deep links and reads them back', () => {
    expect(flowPath()).toBe('/flows');
    expect(flowPath('daily orders')).toBe('/flows/daily%20orders');
    expect(flowPath('daily', 12)).toBe('/flows/daily/runs/12');
    expect(flowPath('daily', 12, 'load')).toBe('/flows/daily/runs/12?task=load');
    expect(flowsView([])).toEqual({ kind: 'list' });
    expect(flowsView(['daily'])).toEqual({ kind: 'flow', flowId: 'daily' });
    expect(flowsView(['daily', 'runs', '12'])).toEqual({ kind: 'run', flowId: 'daily', runId: 12 });
    expect(flowsView(['daily', 'runs', 'x'])).toEqual({ kind: 'unknown' });
    expect(flowsView(['daily', 'other'])).toEqual({ kind: 'unknown' });
    expect(flowsViewOf('/flows')).toEqual({ kind: 'list' });
    expect(flowsViewOf('/flows/')).toEqual({ kind: 'list' });
    expect(flowsViewOf('/flows/daily%20orders/runs/3')).toEqual({ kind: 'run', flowId: 'daily orders', runId: 3 });
    expect(flowsViewOf('/flows/%zz')).toEqual({ kind: 'unknown' });
  });
});
