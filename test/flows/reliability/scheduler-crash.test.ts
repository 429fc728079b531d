/**
 * The scheduler SIGKILLed and restarted (PostgreSQL only: the scheduler runs in its
 * own process, apart from the worker, which an embedded database does not allow).
 * An interval flow (every second) catches up over a past range, so the first kill
 * lands while the scheduler is creating catch-up runs, and the second while it
 * schedules live ticks. After the last restart: no run is duplicated (one run per
 * logical date), nothing is lost (every tick from the start date to the end has a
 * run), and no task instance completed twice (attempt history and marker files).
 */
import { afterEach, expect, it } from 'vitest';
import { sql } from 'kysely';
import { initWarehouse } from '../../../src/catalog/index.js';
import { FlowSystem } from '../../../src/flows/index.js';
import { describeBackends, type BackendSetup } from '../../meta/helpers/backends.js';
import { FlowNode, markerLines, sleep, waitFor, writeFlow } from './helpers/flow-cluster.js';

const CATCHUP_TICKS = 600;

describeBackends(
  'the scheduler SIGKILLed and restarted',
  (backend) => {
    let setup: BackendSetup | undefined;
    let system: FlowSystem | undefined;
    const nodes: FlowNode[] = [];
    afterEach(async () => {
      for (const node of nodes.splice(0)) node.process.kill('SIGKILL');
      await system?.close();
      await setup?.dispose();
      system = undefined;
      setup = undefined;
    });

    it('creates every run exactly once and completes every task instance once', { timeout: 400_000 }, async () => {
      setup = await backend.create();
      await initWarehouse(setup.warehouse, { env: setup.env });
      const start = new Date(Math.floor(Date.now() / 1000) * 1000 - CATCHUP_TICKS * 1000);
      writeFlow(
        setup.warehouse,
        'ticking.ts',
        `
export default defineFlow({ id: 'ticking', schedule: every('1s'), catchup: true, startDate: '${start.toISOString()}', maxActiveRuns: 64 }, (f) => {
  f.task('tick', (ctx) => {
    mark(ctx, 'ticks', ctx.logicalDate + ' ' + ctx.runId + ' ' + ctx.attempt);
    return ctx.logicalDate;
  });
});
`,
      );
      system = await FlowSystem.open({ warehouse: setup.warehouse, env: setup.env });
      const db = system.queue.meta.db;
      const runCount = async () =>
        Number(
          (await sql<{ n: string }>`select count(*) as n from flow_runs where flow_id = 'ticking'`.execute(db)).rows[0]!
            .n,
        );
      const node = async (config: Omit<Parameters<typeof FlowNode.start>[0], 'warehouse' | 'env'>) => {
        const started = await FlowNode.start({ warehouse: setup!.warehouse, env: setup!.env, ...config });
        nodes.push(started);
        return started;
      };

      await node({ worker: { id: 'worker-1', leaseMs: 5_000, executor: 'in-process', slots: 4 } });

      // Kill 1: as soon as the first catch-up runs appear, i.e. while the scheduler is creating the rest.
      const first = await node({ scheduler: { tickMs: 100 } });
      await waitFor('the first catch-up runs', async () => ((await runCount()) > 0 ? true : undefined), 120_000, 2);
      await first.kill();
      const atFirstKill = await runCount();

      // Kill 2: while it schedules live ticks, a little after it caught up.
      const second = await node({ scheduler: { tickMs: 100 } });
      const live = Date.now() + 2_000;
      await waitFor(
        'live ticks after the restart',
        async () => {
          const { rows } = await sql<{
            latest: Date | null;
          }>`select max(logical_date) as latest from flow_runs where flow_id = 'ticking'`.execute(db);
          return rows[0]?.latest !== null && rows[0]!.latest.getTime() >= live ? true : undefined;
        },
        180_000,
        20,
      );
      await sleep(Math.floor(Math.random() * 300));
      await second.kill();

      await node({ scheduler: { tickMs: 100 } });
      const end = new Date(Math.floor((Date.now() + 2_000) / 1000) * 1000);
      await waitFor(
        'the scheduler to pass the end tick and the runs up to it to finish',
        async () => {
          const { rows } = await sql<{ past: boolean; unfinished: string }>`
        select exists (select 1 from flow_runs where flow_id = 'ticking' and logical_date >= ${end}) as past,
               (select count(*) from flow_runs where flow_id = 'ticking' and logical_date <= ${end} and state not in ('success', 'failed')) as unfinished`.execute(
            db,
          );
          return rows[0]!.past && Number(rows[0]!.unfinished) === 0 ? true : undefined;
        },
        300_000,
        100,
      );

      const runs = await db
        .selectFrom('flow_runs')
        .select(['id', 'run_key', 'logical_date', 'state'])
        .where('flow_id', '=', 'ticking')
        .where('logical_date', '<=', end)
        .orderBy('logical_date')
        .execute();
      const expected: string[] = [];
      for (let t = start.getTime(); t <= end.getTime(); t += 1_000) expected.push(new Date(t).toISOString());
      const got = runs.map((r) => r.logical_date!.toISOString());
      const duplicated = got.filter((d, i) => got.indexOf(d) !== i);
      const missing = expected.filter((d) => !got.includes(d));
      expect(duplicated, 'logical dates with more than one run').toEqual([]);
      expect(new Set(runs.map((r) => r.run_key)).size).toBe(runs.length);
      expect(
        {
          missing: missing.length,
          firstMissing: missing.slice(0, 3),
          lastMissing: missing.slice(-3),
          runsAtFirstKill: atFirstKill,
        },
        `ticks without a run (${missing.length} of ${expected.length}, from ${missing[0]} to ${missing.at(-1)}; ${atFirstKill} runs existed when the scheduler was first killed)`,
      ).toMatchObject({ missing: 0 });
      expect(runs.filter((r) => r.state !== 'success').map((r) => r.id)).toEqual([]);

      // Each task instance completed once: one attempt, a success; one side effect per logical date.
      const attempts = await sql<{ task_instance_id: number; n: string; successes: string }>`
      select a.task_instance_id, count(*) as n, count(*) filter (where a.outcome = 'success') as successes
      from task_attempts a join flow_runs r on r.id = a.run_id
      where r.flow_id = 'ticking' and r.logical_date <= ${end} group by a.task_instance_id`.execute(db);
      expect(attempts.rows.length).toBe(runs.length);
      expect(attempts.rows.filter((a) => Number(a.n) !== 1 || Number(a.successes) !== 1)).toEqual([]);
      const effects = markerLines(setup.warehouse, 'ticks')
        .map((line) => line.split(' ')[0]!)
        .filter((d) => Date.parse(d) <= end.getTime());
      expect(effects.length).toBe(runs.length);
      expect(new Set(effects).size).toBe(effects.length);
    });
  },
  'postgres',
);
