/**
 * The monitor routes through a real server under grants: a reader granted a monitor's
 * table whole sees the monitor and its results; a monitor over a table it is not granted,
 * or granted only in part (a row filter), is absent from the list and 404 by name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineMonitor, lakeMonitorIo, runMonitor, type MonitorDefinition } from '../../src/models/index.js';
import { startTestApi, type TestApi } from '../api/helpers/api-harness.js';

describe('monitor routes', () => {
  let api: TestApi;

  const monitor = (name: string, table: string, feature: string): MonitorDefinition =>
    defineMonitor({
      name,
      model: 'm@champion',
      reference: { kind: 'training_set', table },
      current: { table },
      features: [{ name: feature, kind: 'numeric' }],
    });

  beforeAll(async () => {
    api = await startTestApi();
    const io = lakeMonitorIo(api.warehouse, async (table) => (await api.catalog.openTable(table)).location);
    await runMonitor(monitor('sales_drift', 'main.sales', 'amount'), io, { runId: 'r1' });
    await runMonitor(monitor('customer_drift', 'main.customers', 'id'), io, { runId: 'r2' });
  }, 120_000);

  afterAll(async () => api?.close());

  it('lists and reads monitors for the admin', async () => {
    const list = (await (await api.fetch('/v1/monitors')).json()) as { monitors: { name: string }[] };
    expect(list.monitors.map((m) => m.name)).toEqual(['customer_drift', 'sales_drift']);
    const response = await api.fetch('/v1/monitors/sales_drift/results');
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      model: string;
      results: { runId: string; feature: string; statistic: string; breach: boolean; referenceSize: number }[];
    };
    expect(body.model).toBe('m@champion');
    expect(body.results.find((r) => r.statistic === 'wasserstein-normed')).toMatchObject({
      runId: 'r1',
      feature: 'amount',
      breach: false,
      referenceSize: 100,
    });
  });

  it('hides monitors over tables the principal cannot read whole', async () => {
    const whole = await api.token('reader', [{ table: 'main.sales' }]);
    const list = (await (await api.fetch('/v1/monitors', { token: whole })).json()) as { monitors: { name: string }[] };
    expect(list.monitors.map((m) => m.name)).toEqual(['sales_drift']);
    expect((await api.fetch('/v1/monitors/sales_drift/results', { token: whole })).status).toBe(200);
    expect((await api.fetch('/v1/monitors/customer_drift/results', { token: whole })).status).toBe(404);

    const partial = await api.token('writer', [{ table: 'main.sales', rowFilter: "region = 'EU'" }]);
    const partialList = (await (await api.fetch('/v1/monitors', { token: partial })).json()) as {
      monitors: unknown[];
    };
    expect(partialList.monitors).toEqual([]);
    const hidden = await api.fetch('/v1/monitors/sales_drift/results', { token: partial });
    expect(hidden.status).toBe(404);
    expect(JSON.stringify(await hidden.json())).not.toContain('amount');
  });
});
