/**
 * Schedules, backfills, pools, priorities, deferral, assets and table triggers,
 * through a real scheduler and worker on both backends.
 */
import { afterEach, expect, it } from 'vitest';
import { fromRows } from '../../src/lake/index.js';
import { defineFlow, every, cron, onTableUpdate, runsOfFlow, type FlowDefinition } from '../../src/flows/index.js';
import { PEOPLE } from '../catalog/helpers/fixtures.js';
import { describeBackends } from '../meta/helpers/backends.js';
import { openHarness, type Harness } from './helpers/flow-harness.js';

const HOUR = 3_600_000;

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describeBackends('scheduling', (backend) => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });
  const open = async (flows: FlowDefinition[], worker = true) =>
    (harness = await openHarness(backend, { flows, worker }));
  const runs = (h: Harness, flowId: string) => runsOfFlow(h.system.queue.meta.db, flowId, 1000);

  it('catches up an interval schedule from its start date, one run per tick, each with its logical date', async () => {
    const start = new Date(Math.floor((Date.now() - 5.5 * HOUR) / HOUR) * HOUR);
    const flow = defineFlow(
      { id: 'hourly', schedule: every('1h'), catchup: true, startDate: start.toISOString() },
      (f) => {
        f.task('stamp', async (ctx) => ctx.logicalDate ?? 'none');
      },
    );
    const h = await open([flow]);
    const expected = Math.floor((Date.now() - start.getTime()) / HOUR) + 1;
    const done = await until('catch-up runs', async () => {
      const all = await runs(h, 'hourly');
      return all.length >= expected && all.every((r) => r.state === 'success') ? all : undefined;
    });
    expect(done).toHaveLength(expected);
    const dates = done.map((r) => r.logicalDate!.getTime()).sort((a, b) => a - b);
    expect(dates).toEqual(Array.from({ length: expected }, (_, k) => start.getTime() + k * HOUR));
    const outputs = await h.system.queue.meta.db
      .selectFrom('task_instances')
      .select('output')
      .where('flow_id', '=', 'hourly')
      .execute();
    expect(outputs.map((o) => o.output).sort()).toEqual(dates.map((d) => new Date(d).toISOString()));
  });

  it('without catchup, runs a cron flow at its next tick only (never for the past), in its time zone', async () => {
    const flow = defineFlow(
      { id: 'nightly', schedule: cron('30 2 * * *', { timezone: 'Europe/Paris' }), startDate: '2020-01-01T00:00:00Z' },
      (f) => {
        f.task('noop', async () => null);
      },
    );
    const h = await open([flow], false);
    await h.scheduler.tick();
    expect(await runs(h, 'nightly')).toHaveLength(0);
    const row = await h.system.queue.meta.db
      .selectFrom('flow_definitions')
      .select('next_tick_at')
      .where('id', '=', 'nightly')
      .executeTakeFirstOrThrow();
    const next = row.next_tick_at!;
    expect(
      new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit' }).format(next),
    ).toBe('02:30');
    // Three days pass: one run, for the latest tick.
    await h.scheduler.tick(new Date(next.getTime() + 2 * 86_400_000 + 60_000));
    const created = await runs(h, 'nightly');
    expect(created).toHaveLength(1);
    expect(created[0]!.logicalDate!.getTime()).toBe(next.getTime() + 2 * 86_400_000);
  });

  it('backfills a range with missing / failed / all reprocessing and a dry run', async () => {
    let failDay: string | undefined = '2026-01-03T00:00:00.000Z';
    const flow = defineFlow({ id: 'daily', schedule: cron('0 0 * * *'), startDate: '2026-01-01T00:00:00Z' }, (f) => {
      f.task('load', async (ctx) => {
        if (ctx.logicalDate === failDay) throw new Error('source missing');
        return ctx.logicalDate ?? null;
      });
    });
    const h = await open([flow]);
    const from = new Date('2026-01-01T00:00:00Z');
    const to = new Date('2026-01-05T00:00:00Z');
    const dry = await h.system.backfill('daily', { from, to, dryRun: true });
    expect(dry.create).toHaveLength(5);
    expect(await runs(h, 'daily')).toHaveLength(0);

    const first = await h.system.backfill('daily', { from, to, maxActiveRuns: 2 });
    expect(first.create).toHaveLength(5);
    const settled = async () =>
      until('backfill runs', async () => {
        const all = await runs(h, 'daily');
        return all.length === 5 && all.every((r) => r.state === 'success' || r.state === 'failed') ? all : undefined;
      });
    const firstRuns = await settled();
    expect(firstRuns.filter((r) => r.state === 'failed').map((r) => r.logicalDate!.toISOString())).toEqual([failDay]);

    expect((await h.system.backfill('daily', { from, to, reprocess: 'missing' })).create).toHaveLength(0);
    failDay = undefined;
    const failed = await h.system.backfill('daily', { from, to, reprocess: 'failed' });
    expect(failed.rerun.map((r) => r.logicalDate.toISOString())).toEqual(['2026-01-03T00:00:00.000Z']);
    expect(failed.kept).toHaveLength(4);
    // The cleared run goes back through queued; wait until it ran again.
    await until('rerun', async () => {
      const all = await runs(h, 'daily');
      return all.every((r) => r.state === 'success') ? all : undefined;
    });
    const all = await h.system.backfill('daily', { from, to, reprocess: 'all', dryRun: true });
    expect(all.rerun).toHaveLength(5);
    expect(await runs(h, 'daily')).toHaveLength(5);
  });

  it('keeps a pool within its slots and runs higher priority first', async () => {
    const flow = defineFlow({ id: 'pooled' }, (f) => {
      for (let i = 0; i < 8; i++)
        f.task(
          `t${i}`,
          { pool: 'db', priority: i },
          async () => new Promise((resolve) => setTimeout(() => resolve(i), 30)),
        );
    });
    const h = await open([flow]);
    await h.system.setPool('db', 2);
    let maxRunning = 0;
    const run = await h.system.trigger('pooled');
    for (;;) {
      const { rows } = await h.system.queue.meta.db
        .selectFrom('task_instances')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('pool', '=', 'db')
        .where('state', 'in', ['queued', 'running'])
        .execute()
        .then((r) => ({ rows: r }));
      maxRunning = Math.max(maxRunning, Number(rows[0]!.n));
      const state = (await runsOfFlow(h.system.queue.meta.db, 'pooled', 1))[0]!.state;
      if (state === 'success' || state === 'failed') break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(maxRunning).toBeLessThanOrEqual(2);
    expect(maxRunning).toBeGreaterThan(0);
    const order = await h.system.queue.meta.db
      .selectFrom('task_attempts')
      .select('task_id')
      .where('run_id', '=', run.runId)
      .orderBy('started_at')
      .orderBy('id')
      .execute();
    // The first two started are the highest priorities (t7, t6); the last is the lowest.
    expect(
      order
        .slice(0, 2)
        .map((o) => o.task_id)
        .sort(),
    ).toEqual(['t6', 't7']);
    expect(order.at(-1)?.task_id).toBe('t0');
  });

  it('defers a sensor without using its retries, then succeeds', async () => {
    let pokes = 0;
    const flow = defineFlow({ id: 'sensor' }, (f) => {
      f.task('wait_for_file', async (ctx) => {
        pokes++;
        if (pokes < 3) ctx.defer(10, 'file not there yet');
        return pokes;
      });
    });
    const h = await open([flow]);
    const run = await h.system.trigger('sensor');
    expect((await h.waitForRun(run.runId)).state).toBe('success');
    const task = (await h.tasks(run.runId)).get('wait_for_file')!;
    expect(task.output).toBe(3);
    expect(task.attempt).toBe(1);
    expect(task.maxAttempts).toBe(1);
  });

  it('records the table versions a task read and wrote, and runs a flow when its upstream table changes', async () => {
    const producer = defineFlow({ id: 'producer' }, (f) => {
      f.task('append', { reads: ['main.orders'], writes: ['main.orders'] }, async () => 'ok');
    });
    const consumer = defineFlow({ id: 'consumer', schedule: onTableUpdate('main.orders') }, (f) => {
      f.task('react', async () => 'reacted');
    });
    const h = await open([producer, consumer]);
    await h.system.catalog.createTable('orders', { schema: PEOPLE });
    // The first sighting of version 0 is recorded, not run.
    await until('first sighting', async () => {
      const row = await h.system.queue.meta.db
        .selectFrom('flow_definitions')
        .select('table_versions')
        .where('id', '=', 'consumer')
        .executeTakeFirstOrThrow();
      return (row.table_versions as Record<string, number>)['main.orders'] === 0 ? true : undefined;
    });
    expect(await runs(h, 'consumer')).toHaveLength(0);
    await (await h.system.catalog.openTable('orders')).append(fromRows([{ id: 1, name: 'a', day: '2026-01-01' }]));
    const triggered = await until('table-triggered run', async () => {
      const all = await runs(h, 'consumer');
      return all.length === 1 && all[0]!.state === 'success' ? all : undefined;
    });
    expect(triggered[0]!.runKey).toBe('table:main.orders@1');
    expect(triggered[0]!.kind).toBe('table');

    const run = await h.system.trigger('producer');
    await h.waitForRun(run.runId);
    const events = await h.system.queue.meta.db
      .selectFrom('flow_asset_events')
      .select(['table_name', 'direction', 'table_version'])
      .where('run_id', '=', run.runId)
      .orderBy('direction')
      .execute();
    expect(events).toEqual([
      { table_name: 'main.orders', direction: 'read', table_version: 1 },
      { table_name: 'main.orders', direction: 'write', table_version: 1 },
    ]);
  });
});
