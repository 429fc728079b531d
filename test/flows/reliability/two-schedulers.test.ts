/**
 * Two schedulers and two workers at once, each on its own FlowSystem (its own
 * connections), PostgreSQL only (an embedded database has one owner process). A
 * scheduled flow catches up over a past range while fan-out runs are triggered
 * through both systems, some with the same run key. No run is duplicated, no task
 * instance is claimed twice (each has exactly one attempt, a success, and one side
 * effect), no flow exceeds its max active runs, and every run succeeds.
 */
import { afterEach, expect, it } from 'vitest';
import { sql } from 'kysely';
import { initWarehouse } from '../../../src/catalog/index.js';
import { defineFlow, every, FlowSystem, type Worker } from '../../../src/flows/index.js';
import { describeBackends, type BackendSetup } from '../../meta/helpers/backends.js';
import { inProcessExecutor } from '../helpers/flow-harness.js';
import { waitFor } from './helpers/flow-cluster.js';

const TICKS = 400;
const ITEMS = 40;
const MAX_ACTIVE = 16;
const FANOUTS = 10;

describeBackends(
  'two schedulers and two workers',
  (backend) => {
    let setup: BackendSetup | undefined;
    const systems: FlowSystem[] = [];
    afterEach(async () => {
      for (const system of systems.splice(0)) await system.close();
      await setup?.dispose();
      setup = undefined;
    });

    it('create each run once and run each task instance once', { timeout: 300_000 }, async () => {
      setup = await backend.create();
      await initWarehouse(setup.warehouse, { env: setup.env });
      const effects = new Map<string, number>();
      const effect = (key: string) => effects.set(key, (effects.get(key) ?? 0) + 1);
      const start = new Date(Math.floor(Date.now() / 1000) * 1000 - TICKS * 1000);
      const scheduled = defineFlow(
        {
          id: 'scheduled',
          schedule: every('1s'),
          catchup: true,
          startDate: start.toISOString(),
          maxActiveRuns: MAX_ACTIVE,
        },
        (f) => {
          f.task('tick', (ctx) => {
            effect(`${ctx.runId}/tick/-1`);
            return ctx.logicalDate ?? null;
          });
        },
      );
      const fanout = defineFlow({ id: 'fanout', maxActiveRuns: MAX_ACTIVE }, (f) => {
        const list = f.task('list', (ctx) => {
          effect(`${ctx.runId}/list/-1`);
          return Array.from({ length: ITEMS }, (_, i) => i + 1);
        });
        const squared = f.map('square', list, (ctx, n) => {
          effect(`${ctx.runId}/square/${ctx.mapIndex}`);
          return n * n;
        });
        f.task('sum', { inputs: { squared } }, (ctx, { squared }) => {
          effect(`${ctx.runId}/sum/-1`);
          return squared.reduce((a, b) => a + b, 0);
        });
      });
      const flows = [scheduled, fanout];
      const workers: Worker[] = [];
      for (const name of ['a', 'b']) {
        const system = await FlowSystem.open({ warehouse: setup.warehouse, env: setup.env });
        systems.push(system);
        await system.startScheduler({ flows, tickMs: 25 });
        workers.push(
          await system.startWorker({ id: `worker-${name}`, executor: inProcessExecutor(flows, 4), pollMs: 50 }),
        );
      }
      const [a, b] = systems as [FlowSystem, FlowSystem];
      const db = a.queue.meta.db;

      // Fan-out runs through both systems; each key is triggered on both at once.
      const triggered = await Promise.all(
        Array.from({ length: FANOUTS }, (_, i) => [
          a.trigger('fanout', {}, { runKey: `fan-${i}` }),
          b.trigger('fanout', {}, { runKey: `fan-${i}` }),
        ]).flat(),
      );
      for (let i = 0; i < FANOUTS; i++) {
        const pair = [triggered[2 * i]!, triggered[2 * i + 1]!];
        expect(pair[0]!.runId, `fan-${i}`).toBe(pair[1]!.runId);
        expect(
          pair.filter((r) => r.created),
          `fan-${i} created`,
        ).toHaveLength(1);
      }

      const end = new Date(start.getTime() + TICKS * 1000);
      let mostActive = 0;
      // A later tick's run may exist before the catch-up runs (another scheduler creates it), so wait for the count.
      // If some are never created, the wait gives up and the checks below say which.
      await waitFor(
        'every tick up to the end to have a finished run',
        async () => {
          const { rows } = await sql<{ flow_id: string; running: string; unfinished: string; ticks: string }>`
        select f.id as flow_id,
          (select count(*) from flow_runs r where r.flow_id = f.id and r.state = 'running') as running,
          (select count(*) from flow_runs r where r.flow_id = f.id and r.state in ('queued', 'running') and (r.logical_date is null or r.logical_date <= ${end})) as unfinished,
          (select count(*) from flow_runs r where r.flow_id = 'scheduled' and r.logical_date <= ${end}) as ticks
        from flow_definitions f`.execute(db);
          mostActive = Math.max(mostActive, ...rows.map((r) => Number(r.running)));
          return rows.length === 2 && rows.every((r) => Number(r.ticks) >= TICKS + 1 && Number(r.unfinished) === 0)
            ? true
            : undefined;
        },
        180_000,
        50,
      ).catch(() => false);
      expect(mostActive, 'runs of one flow running at once').toBeLessThanOrEqual(MAX_ACTIVE);

      // Runs: one per logical date, every tick present, all succeeded.
      const runs = await db
        .selectFrom('flow_runs')
        .select(['id', 'flow_id', 'run_key', 'logical_date', 'state'])
        .where((eb) => eb.or([eb('logical_date', 'is', null), eb('logical_date', '<=', end)]))
        .execute();
      const ticks = runs
        .filter((r) => r.flow_id === 'scheduled')
        .map((r) => r.logical_date!.getTime())
        .sort((x, y) => x - y);
      expect(ticks).toEqual(Array.from({ length: TICKS + 1 }, (_, i) => start.getTime() + i * 1000));
      expect(
        runs
          .filter((r) => r.flow_id === 'fanout')
          .map((r) => r.run_key)
          .sort(),
      ).toEqual(Array.from({ length: FANOUTS }, (_, i) => `fan-${i}`).sort());
      expect(runs.filter((r) => r.state !== 'success')).toEqual([]);

      // Task instances: each claimable one has exactly one attempt, a success, and ran its code once.
      const runIds = runs.map((r) => r.id);
      const instances = await db
        .selectFrom('task_instances')
        .select(['id', 'run_id', 'task_id', 'map_index', 'state', 'attempt', 'children_total', 'output'])
        .where('run_id', 'in', runIds)
        .execute();
      expect(
        instances
          .filter((t) => t.state !== 'success')
          .map((t) => `${t.run_id}/${t.task_id}/${t.map_index}: ${t.state}`),
      ).toEqual([]);
      const claimable = instances.filter((t) => t.children_total === null);
      expect(claimable).toHaveLength(TICKS + 1 + FANOUTS * (2 + ITEMS));
      const { rows: attempts } = await sql<{ task_instance_id: number; n: string; successes: string }>`
      select task_instance_id, count(*) as n, count(*) filter (where outcome = 'success') as successes
      from task_attempts where run_id = any(${runIds}::bigint[]) group by task_instance_id`.execute(db);
      const byInstance = new Map(attempts.map((a) => [a.task_instance_id, a]));
      expect(
        claimable
          .filter((t) => Number(byInstance.get(t.id)?.n) !== 1 || Number(byInstance.get(t.id)?.successes) !== 1)
          .map((t) => t.id),
      ).toEqual([]);
      expect(claimable.filter((t) => t.attempt !== 1).map((t) => t.id)).toEqual([]);
      expect(
        claimable
          .filter((t) => effects.get(`${t.run_id}/${t.task_id}/${t.map_index}`) !== 1)
          .map((t) => `${t.run_id}/${t.task_id}/${t.map_index}`),
      ).toEqual([]);
      // Runs after the end tick may have run too: side effects of runs up to it only.
      expect([...effects.keys()].filter((key) => runIds.includes(Number(key.split('/')[0]))).length).toBe(
        claimable.length,
      );
      const expectedSum = Array.from({ length: ITEMS }, (_, i) => (i + 1) ** 2).reduce((x, y) => x + y, 0);
      expect(instances.filter((t) => t.task_id === 'sum').map((t) => t.output)).toEqual(
        Array(FANOUTS).fill(expectedSum),
      );

      expect(workers.reduce((n, w) => n + w.stats.completed, 0)).toBeGreaterThanOrEqual(claimable.length);
      expect(workers.map((w) => w.stats.rejected)).toEqual([0, 0]);
    });
  },
  'postgres',
);
