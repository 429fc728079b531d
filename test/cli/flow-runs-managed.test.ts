/**
 * Runs a user manages and errors a user finds, as real `strata` processes on an
 * embedded warehouse: Ctrl-C on a local `flow run` cancels the run and kills its
 * task's process (exit 130); `flow cancel|clear|mark-success`; a failed map's
 * instance errors in `flow status --run` and `flow logs` (and their --json);
 * `strata serve` alone: a triggered run says no worker is running, and its queued
 * task says how long nobody claimed it.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { startStrata, strata, tempDir } from './run-cli.js';

const SLOW = `import { writeFileSync } from 'node:fs';
import { defineFlow } from 'strata';

export default defineFlow({ id: 'slow' }, (f) => {
  const wait = f.task('wait', async () => {
    writeFileSync('slow.pid', String(process.pid));
    await new Promise((resolve) => setTimeout(resolve, 120_000));
  });
  f.task('after', { after: [wait] }, async () => 1);
});
`;

const MAPFAIL = `import { defineFlow } from 'strata';

function check(n: number): never {
  throw new Error(\`item \${n} is bad\`);
}

export default defineFlow({ id: 'mapfail' }, (f) => {
  const items = f.task('items', async () => [1, 2]);
  f.map('each', items, async (ctx, n) => {
    ctx.log(\`checking \${n}\`);
    return check(n);
  });
});
`;

const runIdOf = (stdout: string): number => Number(/run (\d+) of/.exec(stdout)?.[1]);
/** Running (a zombie, killed but not yet reaped by whoever adopted it, is not). */
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
  return !/^\d+ \(.*\) Z/.test(stat);
};
const until = async (check: () => boolean, what: string, timeoutMs = 60_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`never: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

describe('runs managed and errors kept, from the CLI', { timeout: 240_000 }, () => {
  const warehouse = tempDir('strata-flow-manage-');
  const at = { cwd: warehouse };

  beforeAll(async () => {
    expect((await strata(['init', '.'], at)).code).toBe(0);
    mkdirSync(path.join(warehouse, 'flows'), { recursive: true });
    writeFileSync(path.join(warehouse, 'flows', 'slow.ts'), SLOW);
    writeFileSync(path.join(warehouse, 'flows', 'mapfail.ts'), MAPFAIL);
  }, 120_000);

  it('cancels the run on Ctrl-C, kills its task process and exits 130; then clear, cancel and mark it', async () => {
    const run = startStrata(['flow', 'run', 'slow'], at);
    await run.waitFor('of slow created');
    const id = runIdOf(run.output.stdout);
    const pidFile = path.join(warehouse, 'slow.pid');
    await until(() => existsSync(pidFile), 'the task started');
    const taskPid = Number(readFileSync(pidFile, 'utf8'));
    expect(alive(taskPid)).toBe(true);
    expect(await run.stop('SIGINT')).toBe(130);
    expect(run.output.stdout).toContain(`cancelled run ${id} of slow\n`);
    expect(run.output.stderr).toContain(`cancelling run ${id} of slow (Ctrl-C again to exit at once)`);
    await until(() => !alive(taskPid), 'the task process ended', 10_000);

    const status = await strata(['flow', 'status', 'slow', '--run', String(id), '--json'], at);
    expect(status.code).toBe(0);
    const detail = JSON.parse(status.stdout) as {
      run: { state: string };
      tasks: { taskId: string; state: string }[];
      failedAttempts: { outcome: string; message: string }[];
    };
    expect(detail.run.state).toBe('cancelled');
    expect(detail.tasks.map((t) => [t.taskId, t.state])).toEqual([
      ['wait', 'cancelled'],
      ['after', 'cancelled'],
    ]);
    expect(detail.failedAttempts).toEqual([
      expect.objectContaining({ outcome: 'cancelled', message: 'cancelled by Ctrl-C' }),
    ]);

    const cleared = await strata(['flow', 'clear', 'slow', '--run', String(id)], at);
    expect(cleared).toMatchObject({ code: 0, stdout: `cleared wait, after of run ${id} of slow: running again\n` });
    const cancelled = await strata(['flow', 'cancel', 'slow', '--run', String(id)], at);
    expect(cancelled).toMatchObject({ code: 0, stdout: `cancelled run ${id} of slow\n` });
    const again = await strata(['flow', 'cancel', 'slow', '--run', String(id)], at);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(
      `[FLOW_RUN_STATE] Run ${id} is cancelled: only a queued or running run can be cancelled.`,
    );
    const marked = await strata(['flow', 'mark-success', 'slow', '--run', String(id), '--task', 'wait'], at);
    expect(marked).toMatchObject({ code: 0, stdout: `marked task wait of run ${id} of slow success (run failed)\n` });
  });

  it("shows each map instance's error in flow status --run and flow logs, and as JSON", async () => {
    const run = await strata(['flow', 'run', 'mapfail'], at);
    expect(run.code).toBe(1);
    const id = runIdOf(run.stdout);
    const status = await strata(['flow', 'status', 'mapfail', '--run', String(id)], at);
    expect(status.stdout).toMatch(/each \[2\/2 failed\]\s+failed\s+-.*2 of 2 map instances failed/);
    expect(status.stdout).toMatch(
      /errors:\neach\[0\] \(attempt 1\/1, threw\): Error: item 1 is bad\n\s+at check \(.*flows\/mapfail\.ts:4:9\)/,
    );
    expect(status.stdout).toMatch(/each\[1\] \(attempt 1\/1, threw\): Error: item 2 is bad\n/);
    const logs = await strata(['flow', 'logs', 'mapfail', String(id), 'each'], at);
    expect(logs.code).toBe(0);
    expect(logs.stdout).toMatch(/#1 \[0\] log {4}checking 1\n/);
    expect(logs.stdout).toMatch(/#1 \[0\] error {2}Error: item 1 is bad\n\s+at check/);
    expect(logs.stdout).toMatch(/#1 \[1\] error {2}Error: item 2 is bad\n/);
    const json = JSON.parse((await strata(['flow', 'logs', 'mapfail', String(id), 'each', '--json'], at)).stdout) as {
      lines: unknown[];
      errors: { mapIndex: number; message: string }[];
      finished: boolean;
    };
    expect(json.lines).toHaveLength(2);
    expect(json.errors.map((e) => [e.mapIndex, e.message])).toEqual([
      [0, 'item 1 is bad'],
      [1, 'item 2 is bad'],
    ]);
    const list = JSON.parse((await strata(['flow', 'list', '--json'], at)).stdout) as {
      flows: { id: string; lastRun: { id: number; state: string } | null }[];
      problems: unknown[];
    };
    expect(list.flows.map((f) => f.id)).toEqual(['mapfail', 'slow']);
    expect(list.flows[0]!.lastRun).toMatchObject({ id, state: 'failed' });
    expect(list.problems).toEqual([]);
    const runs = JSON.parse((await strata(['flow', 'status', 'mapfail', '--json'], at)).stdout) as {
      runs: { id: number; state: string }[];
      latestTasks: { taskId: string; state: string }[];
    };
    expect(runs.runs).toEqual([expect.objectContaining({ id, state: 'failed' })]);
    expect(runs.latestTasks.map((t) => t.taskId).sort()).toEqual(['each', 'items']);
  });

  it('with only `strata serve`, says no worker is running and how long a task waits unclaimed', async () => {
    const serve = startStrata(['serve', '--port', '0', '--insecure-local', '--log-level', 'silent'], at);
    try {
      await serve.waitFor('API on http://127.0.0.1:');
      const run = await strata(['flow', 'run', 'slow'], at);
      expect(run.code).toBe(0);
      const id = runIdOf(run.stdout);
      expect(run.stderr).toContain('no worker is running: start one with `strata worker`');
      const waiting = startStrata(['flow', 'run', 'slow', '--wait'], at);
      await until(() => waiting.output.stderr.includes('waiting: no worker is running'), 'the wait said so');
      expect(waiting.output.stderr).not.toContain('ETA');
      await waiting.stop('SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      const status = await strata(['flow', 'status', 'slow', '--run', String(id)], at);
      expect(status.stdout).toMatch(/wait\s+queued\s+0\/1.*no worker has claimed this for \d+ s/);
      expect(status.stdout).toContain('no worker is running: start one with `strata worker`');
      const cancelled = await strata(['flow', 'cancel', 'slow', '--run', String(id)], at);
      expect(cancelled).toMatchObject({ code: 0, stdout: `cancelled run ${id} of slow\n` });
    } finally {
      await serve.stop('SIGTERM');
    }
  });
});
