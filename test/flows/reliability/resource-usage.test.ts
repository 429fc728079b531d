/**
 * The worker records what each attempt used (peak resident memory, CPU time) from the
 * child process that ran it, and resource prediction turns recorded attempts into a
 * memory request per task. Real child processes: one task holds 160 MiB of touched
 * memory, another almost nothing; one spins the CPU for 300 ms.
 */
import { afterEach, expect, it } from 'vitest';
import { ChildProcessExecutor, MEMORY_HEADROOM, resourcePredictions } from '../../../src/flows/index.js';
import { describeBackends } from '../../meta/helpers/backends.js';
import { openFileFlows, type FileFlows } from './helpers/flow-cluster.js';

const MIB = 1024 * 1024;
const HUNGRY_FLOW = `
export default defineFlow({ id: 'hungry' }, (f) => {
  f.task('big', async () => {
    const held = Buffer.alloc(160 * 1024 * 1024, 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    return held[12345];
  });
  f.task('small', async () => 1);
  f.task('spin', () => {
    const until = process.cpuUsage().user + 300_000;
    while (process.cpuUsage().user < until) {}
    return 2;
  });
});
`;

describeBackends('resource usage of attempts', (backend) => {
  let flows: FileFlows | undefined;
  afterEach(async () => {
    await flows?.close();
    flows = undefined;
  });

  it(
    'records peak memory and CPU time per attempt and predicts a memory request per task',
    { timeout: 120_000 },
    async () => {
      const f = (flows = await openFileFlows(
        backend,
        { 'hungry.ts': HUNGRY_FLOW },
        new ChildProcessExecutor({ slots: 1 }),
      ));
      const db = f.system.queue.meta.db;
      for (let i = 0; i < 2; i++)
        expect((await f.waitForRun((await f.system.trigger('hungry', {}, { runKey: `r${i}` })).runId)).state).toBe(
          'success',
        );
      const attempts = await db
        .selectFrom('task_attempts')
        .select(['task_id', 'peak_rss_bytes', 'cpu_ms'])
        .orderBy('id')
        .execute();
      expect(attempts).toHaveLength(6);
      const of = (task: string) => attempts.filter((a) => a.task_id === task);
      for (const a of of('big')) expect(Number(a.peak_rss_bytes)).toBeGreaterThan(160 * MIB);
      for (const a of of('spin')) expect(Number(a.cpu_ms)).toBeGreaterThanOrEqual(300);
      for (const a of of('small')) expect(Number(a.cpu_ms)).toBeLessThan(300);

      const predicted = await resourcePredictions(db, 'hungry', ['big', 'small', 'spin', 'never']);
      expect(predicted.has('never')).toBe(false);
      const big = predicted.get('big')!;
      expect(big.samples).toBe(2);
      expect(big.p90PeakRssBytes).toBe(Math.max(...of('big').map((a) => Number(a.peak_rss_bytes))));
      expect(big.memoryRequestBytes).toBe(Math.ceil(big.p90PeakRssBytes * MEMORY_HEADROOM));
      expect(predicted.get('spin')!.medianCpuMs).toBeGreaterThanOrEqual(300);
    },
  );
});
