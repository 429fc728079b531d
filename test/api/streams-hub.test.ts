/**
 * The EventHub against a real warehouse: table commits (with change rows when the
 * change data feed is on) read once for any number of listeners, resumption from the
 * retained events and from the Delta log, subscriptions for GraphQL, source lifecycle,
 * and run/task events from a real flow run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiMetrics } from '../../src/api/observability/metrics.js';
import { EventHub } from '../../src/api/streams/event-hub.js';
import type { StreamEvent } from '../../src/api/streams/stream-events.js';
import type { StreamListener } from '../../src/api/streams/stream-listener.js';
import { Catalog, initWarehouse } from '../../src/catalog/index.js';
import { SqlSession } from '../../src/engine/index.js';
import { defineFlow, LocalFlowControl } from '../../src/flows/index.js';
import { inProcessExecutor, openHarness } from '../flows/helpers/flow-harness.js';
import { BACKENDS } from '../meta/helpers/backends.js';
import { until } from './streams-support.js';

interface Collector extends StreamListener {
  readonly events: StreamEvent[];
  readonly wires: Buffer[];
  heartbeats: number;
  ended: unknown;
}

function collector(): Collector {
  const c: Collector = {
    events: [],
    wires: [],
    heartbeats: 0,
    ended: undefined,
    event(event, wire) {
      c.events.push(event);
      c.wires.push(wire);
    },
    heartbeat() {
      c.heartbeats += 1;
    },
    end(error) {
      c.ended = error ?? 'ended';
    },
  };
  return c;
}

type CommitData = {
  version: number;
  operation: string;
  changes: { rows: Record<string, unknown>[]; truncated: boolean } | null;
};
const dataOf = (event: StreamEvent): CommitData => event.data as unknown as CommitData;

describe('EventHub on a warehouse', () => {
  let directory: string;
  let catalog: Catalog;
  let session: SqlSession;
  const metrics = new ApiMetrics({ processMetrics: false });
  const hubs: EventHub[] = [];
  const hub = (options: Partial<Parameters<typeof EventHub.open>[0]> = {}): EventHub => {
    const h = EventHub.open({ catalog, flows: undefined, metrics, pollMs: 25, heartbeatMs: 50, ...options });
    hubs.push(h);
    return h;
  };
  const sql = async (statement: string) => void (await session.execute(statement));
  const version = async (table: string) => (await catalog.openTable(table)).version;

  beforeAll(async () => {
    directory = mkdtempSync(path.join(tmpdir(), 'strata-streams-'));
    await initWarehouse(directory);
    catalog = await Catalog.open({ warehouse: directory });
    session = new SqlSession(catalog);
    await sql(`CREATE TABLE sales (id BIGINT, region VARCHAR, amount DOUBLE) TBLPROPERTIES ('delta.enableChangeDataFeed' = 'true');
      CREATE TABLE plain (id BIGINT)`);
  });

  afterAll(async () => {
    for (const h of hubs) h.close();
    await catalog?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('publishes each commit once, with its change rows, to every listener', async () => {
    const h = hub();
    const listeners = Array.from({ length: 50 }, collector);
    const attachments = listeners.map((l) => h.attach('tables/sales', l));
    await Promise.all(attachments.map((a) => a.ready));
    expect(h.stats()).toMatchObject({ topics: 1, listeners: 50, sourceReads: 0 });
    await sql(`INSERT INTO sales VALUES (1, 'EU', 10.5), (2, 'US', 3)`);
    h.tableCommitted('main.sales');
    await sql(`UPDATE sales SET amount = 11 WHERE id = 1`);
    h.tableCommitted('sales');
    const latest = await version('sales');
    await until(() => listeners.every((l) => l.events.length === 2), 15_000, 'both commits at every listener');
    expect(h.stats().sourceReads).toBe(2);
    const [insert, update] = listeners[0]!.events;
    expect(insert).toMatchObject({ id: String(latest - 1), topic: 'tables/main.sales', type: 'commit' });
    expect(dataOf(insert!)).toMatchObject({ version: latest - 1, operation: 'WRITE', changes: { truncated: false } });
    expect(
      dataOf(insert!)
        .changes!.rows.map((r) => [r.id, r._change_type])
        .sort(),
    ).toEqual([
      [1, 'insert'],
      [2, 'insert'],
    ]);
    expect(
      dataOf(update!)
        .changes!.rows.map((r) => r._change_type)
        .sort(),
    ).toEqual(['update_postimage', 'update_preimage']);
    // One serialization: every listener got the very same Buffer.
    expect(listeners.every((l) => l.wires[0] === listeners[0]!.wires[0])).toBe(true);
    expect(listeners[0]!.wires[0]!.toString()).toMatch(
      new RegExp(`^id: ${latest - 1}\nevent: commit\ndata: \\{.*\\}\n\n$`),
    );
    expect(listeners[0]!.heartbeats).toBeGreaterThan(0);
    attachments.forEach((a) => a.detach());
    expect(h.stats()).toMatchObject({ topics: 0, listeners: 0 });
  });

  it('finds commits by polling alone, without the hint; tables without the feed carry no rows', async () => {
    const h = hub();
    const listener = collector();
    await h.attach('tables/plain', listener).ready;
    await sql('INSERT INTO plain VALUES (1)');
    await until(() => listener.events.length === 1, 15_000, 'the polled commit');
    expect(dataOf(listener.events[0]!)).toMatchObject({ version: await version('plain'), changes: null });
  });

  it('caps change rows and withholds them from listeners that ask so', async () => {
    const h = hub({ maxChangeRows: 5 });
    const full = collector();
    const summary = collector();
    await Promise.all([
      h.attach('tables/sales', full).ready,
      h.attach('tables/sales', summary, { withoutChanges: true }).ready,
    ]);
    await sql("INSERT INTO sales SELECT i, 'APAC', CAST(i AS DOUBLE) FROM range(100, 110) t(i)");
    h.tableCommitted('sales');
    await until(() => full.events.length === 1 && summary.events.length === 1, 15_000, 'the commit');
    expect(dataOf(full.events[0]!).changes).toMatchObject({ truncated: true });
    expect(dataOf(full.events[0]!).changes!.rows).toHaveLength(5);
    expect(dataOf(summary.events[0]!)).toMatchObject({ version: dataOf(full.events[0]!).version, changes: null });
  });

  it('resumes after a Last-Event-ID with exactly the missed versions, from the ring and from the log', async () => {
    const h = hub({ historyPerTopic: 2 });
    const live = collector();
    await h.attach('tables/sales', live).ready;
    const start = await version('sales');
    for (let i = 0; i < 4; i++) {
      await sql(`INSERT INTO sales VALUES (${200 + i}, 'EU', 1)`);
      h.tableCommitted('sales');
    }
    await until(() => live.events.length === 4, 15_000, 'four commits');
    // From the ring (the last two are retained).
    const recent = collector();
    await h.attach('tables/sales', recent, { lastEventId: String(start + 2) }).ready;
    expect(recent.events.map((e) => Number(e.id))).toEqual([start + 3, start + 4]);
    // Older than the ring: re-read from the Delta log, then the retained ones.
    const old = collector();
    await h.attach('tables/sales', old, { lastEventId: String(start) }).ready;
    expect(old.events.map((e) => Number(e.id))).toEqual([start + 1, start + 2, start + 3, start + 4]);
    expect(dataOf(old.events[0]!).changes!.rows).toMatchObject([{ id: 200, _change_type: 'insert' }]);
    // Then live, with no duplicates.
    await sql(`INSERT INTO sales VALUES (300, 'EU', 1)`);
    h.tableCommitted('sales');
    await until(() => old.events.length === 5 && recent.events.length === 3, 15_000, 'the live commit');
    expect(old.events.map((e) => Number(e.id))).toEqual([start + 1, start + 2, start + 3, start + 4, start + 5]);
    // Resuming on a topic nobody watches: the source starts and replays from the log.
    const cold = hub();
    const late = collector();
    await cold.attach('tables/main.sales', late, { lastEventId: String(start + 3) }).ready;
    expect(late.events.map((e) => Number(e.id))).toEqual([start + 4, start + 5]);
  });

  it('serves GraphQL subscriptions as async iterables, with resumption', async () => {
    const h = hub();
    const before = await version('sales');
    const subscription = h.subscribe('tables/sales', { lastEventId: String(before - 1) });
    const seen: StreamEvent[] = [];
    const reading = (async () => {
      for await (const event of subscription) {
        seen.push(event);
        if (seen.length === 2) break;
      }
    })();
    await until(() => seen.length === 1, 15_000, 'the replayed commit');
    await sql(`INSERT INTO sales VALUES (400, 'US', 2)`);
    h.tableCommitted('sales');
    await reading;
    expect(seen.map((e) => Number(e.id))).toEqual([before, before + 1]);
    // Breaking out of the loop closed the subscription and stopped the source.
    expect(h.stats()).toMatchObject({ topics: 0, listeners: 0 });
  });

  it('ends a subscription to a missing table with its error, and refuses bad topics and ids', async () => {
    const h = hub();
    const subscription = h.subscribe('tables/nope');
    await expect(subscription[Symbol.asyncIterator]().next()).rejects.toMatchObject({
      code: 'CATALOG_TABLE_NOT_FOUND',
    });
    expect(h.stats()).toMatchObject({ topics: 0, listeners: 0 });
    expect(() => h.attach('bogus', collector())).toThrow(expect.objectContaining({ code: 'API_STREAM_TOPIC' }));
    expect(() => h.attach('runs', collector())).toThrow(expect.objectContaining({ code: 'API_NOT_FOUND' }));
    expect(() => h.attach('tables/sales', collector(), { lastEventId: 'abc' })).toThrow(
      expect.objectContaining({ code: 'API_BAD_REQUEST' }),
    );
  });

  it('publishes metrics on attach and every interval, and retains them for resumption', async () => {
    const h = hub({ metricsMs: 30 });
    const first = collector();
    const attachment = h.attach('metrics', first);
    await attachment.ready;
    await until(() => first.events.length >= 3, 15_000, 'three metrics events');
    const ids = first.events.map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(first.events[0]!.data).toHaveProperty('at');
    const resumed = collector();
    await h.attach('metrics', resumed, { lastEventId: first.events[0]!.id }).ready;
    expect(resumed.events[0]!.id).toBe(first.events[1]!.id);
    h.close();
    expect(first.ended).toMatchObject({ code: 'API_STREAM_CLOSED' });
  });
});

describe('EventHub run topics', () => {
  it('publishes run and task state changes of a real flow run', async () => {
    const flow = defineFlow({ id: 'streamed' }, (f) => {
      const a = f.task('extract', async () => 1);
      f.task('load', { after: [a] }, async () => 2);
    });
    const harness = await openHarness(BACKENDS[0]![1], { flows: [flow], worker: false });
    const flows = new LocalFlowControl(harness.system);
    const h = EventHub.open({
      catalog: harness.system.catalog,
      flows,
      metrics: new ApiMetrics({ processMetrics: false }),
      pollMs: 20,
    });
    try {
      const all: StreamEvent[] = [];
      await h.attach('runs', { event: (e) => all.push(e) }).ready;
      const { runId } = await harness.system.trigger('streamed');
      const one: StreamEvent[] = [];
      await h.attach(`runs/${runId}`, { event: (e) => one.push(e) }).ready;
      await harness.system.startWorker({ executor: inProcessExecutor([flow]), pollMs: 20, leaseMs: 30_000 });
      await harness.waitForRun(runId);
      const runEnded = (events: StreamEvent[]) =>
        events.some((e) => e.type === 'run' && (e.data as { state: string }).state === 'success');
      await until(() => runEnded(all) && runEnded(one), 15_000, 'the run to be seen finishing');
      expect(all.every((e) => e.type === 'run' && (e.data as { id: number }).id === runId)).toBe(true);
      const tasks = one.filter((e) => e.type === 'task').map((e) => e.data as { taskId: string; state: string });
      expect(
        tasks
          .filter((t) => t.state === 'success')
          .map((t) => t.taskId)
          .sort(),
      ).toEqual(['extract', 'load']);
      // Tasks are published before the run state that follows from them.
      const last = one.at(-1)!;
      expect(last).toMatchObject({ type: 'run', data: { state: 'success', tasksDone: 2 } });
      expect(one.map((e) => Number(e.id))).toEqual(one.map((e) => Number(e.id)).sort((a, b) => a - b));
    } finally {
      h.close();
      await harness.close();
    }
  });
});
