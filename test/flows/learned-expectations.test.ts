/**
 * ETAs, OVERDUE flags and the Gantt take their expectations from the learned predictor
 * (predictedExpectations over a FlowSystem's DurationModels), falling back to the
 * median rule where history is thin; the model is retrained once enough attempts finish.
 * History is written as task_attempts rows of real runs on both backends: a task whose
 * duration is 3 ms per input byte over input sizes spread 100×, seeded (STRATA_TEST_SEED).
 */
import { afterEach, expect, it } from 'vitest';
import { sql } from 'kysely';
import {
  defineFlow,
  durationExpectations,
  LocalFlowControl,
  predictedExpectations,
  taskInstancesOfRun,
} from '../../src/flows/index.js';
import { describeBackends } from '../meta/helpers/backends.js';
import { seededRandom, seedFrom } from '../support/random.js';
import { openHarness, type Harness } from './helpers/flow-harness.js';

const seed = seedFrom('STRATA_TEST_SEED', 16);
const MS_PER_BYTE = 3;
let historyRuns = 0;

const flow = defineFlow({ id: 'sized', maxActiveRuns: 100 }, (f) => {
  f.task('load', async () => null);
  f.task('thin', async () => null);
});

describeBackends('learned expectations', (backend) => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  async function addHistory(h: Harness, runs: number, random: () => number): Promise<void> {
    for (let r = 0; r < runs; r++) {
      const { runId } = await h.system.trigger('sized', {}, { runKey: `history-${++historyRuns}` });
      const bytes = Math.round(100 * Math.pow(100, random()));
      const duration = MS_PER_BYTE * bytes * (0.9 + 0.2 * random());
      await sql`
        insert into task_attempts (task_instance_id, run_id, flow_id, task_id, attempt, worker_id, outcome, started_at, ended_at, duration_ms, input_bytes)
        select id, run_id, flow_id, task_id, 1, 'w', 'success', now(), now(), ${duration}, ${bytes}
        from task_instances where run_id = ${runId} and (task_id = 'load' or ${r} < 2)`.execute(h.system.queue.meta.db);
    }
  }

  it('uses the learned prediction where history suffices and the median rule elsewhere; retrains as attempts finish', async () => {
    console.log(`learned expectations seed ${seed} (STRATA_TEST_SEED to change)`);
    const random = seededRandom(seed);
    const h = (harness = await openHarness(backend, { flows: [flow], worker: false }));
    const db = h.system.queue.meta.db;
    await addHistory(h, 40, random);
    const { runId } = await h.system.trigger('sized', {}, { runKey: 'judged' });
    await sql`update task_instances set input_bytes = 4000 where run_id = ${runId} and task_id = 'load'`.execute(db);
    const instances = await taskInstancesOfRun(db, runId);

    const expectations = await predictedExpectations(db, h.system.durations, 'sized', runId, instances);
    const load = expectations.get('load')!;
    expect(load.source).toBe('learned');
    // 4000 bytes × 3 ms: the model learned the per-byte law from other runs.
    expect(load.medianMs).toBeGreaterThan(0.6 * 12_000);
    expect(load.medianMs).toBeLessThan(1.4 * 12_000);
    expect(load.p90Ms).toBeGreaterThanOrEqual(load.medianMs);
    // Two attempts of "thin": the median rule answers.
    const thin = expectations.get('thin')!;
    expect(thin.source).toBeUndefined();
    expect(thin).toEqual((await durationExpectations(db, 'sized', ['thin'], runId)).get('thin'));

    const first = await h.system.durations.model(db, 'sized');
    expect(first.records).toBe(42);
    expect(await h.system.durations.model(db, 'sized')).toBe(first);
    await addHistory(h, 50, random);
    const second = await h.system.durations.model(db, 'sized');
    expect(second).not.toBe(first);
    expect(second.records).toBe(94);

    // The run's view (ETA, OVERDUE, Gantt) shows the learned expectation.
    const detail = await new LocalFlowControl(h.system).run(runId);
    const view = detail.tasks.find((t) => t.taskId === 'load')!;
    const now = (await predictedExpectations(db, h.system.durations, 'sized', runId, instances)).get('load')!;
    expect(view.expectedMs).toBe(Math.round(now.medianMs));
  });
});
