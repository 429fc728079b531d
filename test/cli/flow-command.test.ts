/**
 * `strata flow ...`, `strata up` end to end, as real processes on a warehouse made by
 * `strata init`, with flows/*.ts files importing from 'strata'. The embedded
 * database is open in one process at a time, so these run one after another; the
 * last ones reach a running `strata up` through its control socket.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeBackends, type BackendSetup } from '../meta/helpers/backends.js';
import { startStrata, strata, tempDir } from './run-cli.js';

const HELLO = `import { defineFlow } from 'strata';

export default defineFlow({ id: 'hello', params: { name: 'world', n: 3 } }, (f) => {
  const items = f.task('items', async (ctx) => Array.from({ length: ctx.params.n }, (_, i) => i + 1));
  const squares = f.map('square', items, async (ctx, i) => {
    ctx.log(\`squaring \${i}\`);
    return i * i;
  });
  f.task('greet', { inputs: { squares } }, async (ctx, { squares }) => {
    console.log(\`hello \${ctx.params.name}: \${squares.join(',')}\`);
    return squares.length;
  });
});
`;

const BROKEN = `import { defineFlow } from 'strata';

function parseOrders(): never {
  throw new Error('orders file is empty');
}

export default defineFlow({ id: 'broken' }, (f) => {
  f.task('load', async () => parseOrders());
});
`;

const DAILY = `import { cron, defineFlow } from 'strata';

export default defineFlow({ id: 'daily', schedule: cron('0 3 * * *', { timezone: 'Europe/Paris' }), startDate: '2026-01-01T00:00:00Z' }, (f) => {
  f.task('stamp', async (ctx) => ctx.logicalDate);
});
`;

const BAD = `import { defineFlow } from 'strata';

export default defineFlow({ id: 'twice' }, (f) => {
  f.task('a', async () => 1);
  f.task('a', async () => 2);
});
`;

function writeFlows(warehouse: string, files: Record<string, string>): void {
  mkdirSync(path.join(warehouse, 'flows'), { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(warehouse, 'flows', name), text);
}

const runIdOf = (stdout: string): number => Number(/run (\d+) of/.exec(stdout)?.[1]);

describe('strata flow on the embedded database', { timeout: 240_000 }, () => {
  const warehouse = tempDir('strata-flow-cli-');
  const at = { cwd: warehouse };
  let helloRun = 0;

  beforeAll(async () => {
    expect((await strata(['init', '.'], at)).code).toBe(0);
    writeFlows(warehouse, { 'hello.ts': HELLO, 'broken.ts': BROKEN, 'daily.ts': DAILY, 'bad.ts': BAD });
  }, 120_000);

  it('lists the valid flows, then names the bad one and its problem, exiting 1', async () => {
    const run = await strata(['flow', 'list'], at);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^flow\s+schedule\s+paused\s+next run\s+last run\s+tasks\n/);
    expect(run.stdout).toMatch(/broken\s+manual\s+no\s+-\s+-\s+1\n/);
    expect(run.stdout).toMatch(
      /daily\s+cron 0 3 \* \* \* \(Europe\/Paris\)\s+no\s+\d{4}-\d\d-\d\d 0[12]:00:00Z\s+-\s+1\n/,
    );
    expect(run.stdout).toMatch(/hello\s+manual\s+no\s+-\s+-\s+3\n/);
    expect(run.stdout).not.toContain('twice');
    expect(run.stderr).toContain('[FLOW_DEFINITION] Flow "twice"');
    expect(run.stderr).toMatch(/"a".*twice|twice.*"a"/);
    expect(run.stderr).toContain('error: [FLOW_PROBLEMS] 1 problem loading flows');
  });

  it('runs a flow here when nobody else has the warehouse open, and waits for it', async () => {
    const run = await strata(['flow', 'run', 'hello', '--param', 'n=4', '--param', 'name=cli'], at);
    expect(run.code).toBe(0);
    helloRun = runIdOf(run.stdout);
    expect(run.stdout).toMatch(new RegExp(`run ${helloRun} hello success in [\\d.]+s \\(3/3 tasks\\)`));
  });

  it("shows runs, one run task by task, and the tasks' log lines", async () => {
    const [runs, one, square, greet] = [
      await strata(['flow', 'status', 'hello'], at),
      await strata(['flow', 'status', 'hello', '--run', String(helloRun)], at),
      await strata(['flow', 'logs', 'hello', String(helloRun), 'square'], at),
      await strata(['flow', 'logs', 'hello', String(helloRun), 'greet'], at),
    ];
    expect(runs.code).toBe(0);
    expect(runs.stdout).toMatch(new RegExp(`^\\s*${helloRun}\\s+manual\\s+success\\s+-\\s+\\d{4}-.*3/3$`, 'm'));
    expect(runs.stdout).toMatch(/latest state per task:[\s\S]*greet\s+success/);
    expect(one.code).toBe(0);
    expect(one.stdout).toContain(`run ${helloRun} of hello: success (manual), 3/3 tasks done`);
    expect(one.stdout).toMatch(/square \[4\/4 success\]\s+success/);
    expect(one.stdout).toMatch(/items\s+success\s+1\/1/);
    // Instances run in parallel: lines of different instances interleave.
    expect(
      square.stdout
        .trim()
        .split('\n')
        .map((l) => l.replace(/^\S+ \S+ /, ''))
        .sort(),
    ).toEqual([1, 2, 3, 4].map((i) => `#1 [${i - 1}] log    squaring ${i}`));
    expect(greet.stdout).toMatch(/#1 stdout hello cli: 1,4,9,16\n$/);
  });

  it("fails a run with the user's error message and the flow file in the stack", async () => {
    const run = await strata(['flow', 'run', 'broken', '--wait'], at);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/run \d+ broken failed in/);
    expect(run.stderr).toMatch(
      /task load of run \d+ failed \(attempt 1\/1, threw\):\n\s+Error: orders file is empty\n\s+at parseOrders \(.*flows\/broken\.ts:4:9\)/,
    );
    expect(run.stderr).toContain('error: [FLOW_RUN_FAILED] Run');
  });

  it('pauses and unpauses a flow', async () => {
    expect(await strata(['flow', 'pause', 'daily'], at)).toMatchObject({ code: 0, stdout: 'paused daily\n' });
    expect((await strata(['flow', 'list'], at)).stdout).toMatch(/daily\s+cron .*\s+yes\s+-/);
    expect(await strata(['flow', 'unpause', 'daily'], at)).toMatchObject({ code: 0, stdout: 'unpaused daily\n' });
    const unknown = await strata(['flow', 'pause', 'nope'], at);
    expect(unknown).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('[FLOW_NOT_FOUND] No flow "nope" (flows: broken, daily, hello)'),
    });
  });

  it('sets a pool and lists pools with their use', async () => {
    expect(await strata(['flow', 'pool', 'set', 'gpu', '2'], at)).toMatchObject({
      code: 0,
      stdout: 'pool gpu: 2 slots\n',
    });
    const listed = await strata(['flow', 'pool', 'list'], at);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^pool\s+used\s+slots\s+running\s+queued\s+waiting\n/);
    expect(listed.stdout).toMatch(/\ngpu\s+0\s+2\s+0\s+0\s+0\n/);
    const json = await strata(['flow', 'pool', 'list', '--json'], at);
    expect(JSON.parse(json.stdout)).toEqual([
      { name: 'gpu', slots: 2, description: null, used: 0, running: 0, queued: 0, waiting: 0 },
    ]);
  });

  it('backfills: a dry run, the runs themselves, then a dry run that keeps them', async () => {
    // A bare --to date is the whole day in the schedule's time zone: its 03:00 Paris run is included.
    const range = ['--from', '2026-01-01', '--to', '2026-01-03'];
    const dry = await strata(['flow', 'backfill', 'daily', ...range, '--dry-run'], at);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toBe(
      [
        'backfill of daily (dry run): would create 3, would re-run 0, keep 0',
        '  create  2026-01-01 02:00:00Z',
        '  create  2026-01-02 02:00:00Z',
        '  create  2026-01-03 02:00:00Z',
        '',
      ].join('\n'),
    );
    const real = await strata(['flow', 'backfill', 'daily', ...range, '--wait'], at);
    expect(real.code).toBe(0);
    expect(real.stdout).toMatch(/backfill of daily #\d+: create 3, re-run 0, keep 0/);
    expect(real.stdout.match(/run \d+ daily \[2026-01-0\d 02:00:00Z\] success/g)).toHaveLength(3);
    const again = await strata(['flow', 'backfill', 'daily', ...range, '--dry-run', '--reprocess', 'failed'], at);
    expect(again.stdout).toMatch(
      /would create 0, would re-run 0, keep 3\n(\s+keep\s+2026-01-0\d 02:00:00Z\s+\(run \d+, success\)\n){3}$/,
    );
  });

  it('goes through `strata up` and its control socket while it owns the warehouse', async () => {
    const up = startStrata(['up', '--slots', '2', '--port', '0', '--insecure-local', '--log-level', 'silent'], at);
    try {
      await up.waitFor('strata up: scheduler + worker');
      expect(up.output.stdout).toContain(`control socket ${path.join(warehouse, 'meta', 'control.sock')}`);
      // The same process serves the HTTP API (no token: --insecure-local on loopback).
      await up.waitFor('API on http://127.0.0.1:');
      const apiUrl = /API on (http:\/\/127\.0\.0\.1:\d+)/.exec(up.output.stdout)![1]!;
      const flows = (await (await fetch(`${apiUrl}/v1/flows`)).json()) as { flows: { id: string }[] };
      expect(flows.flows.map((f) => f.id)).toContain('hello');
      const run = await strata(['flow', 'run', 'hello', '--wait', '--param', 'name=remote'], at);
      expect(run.code).toBe(0);
      const id = runIdOf(run.stdout);
      expect(run.stdout).toMatch(new RegExp(`run ${id} hello success`));
      const logs = await strata(['flow', 'logs', 'hello', String(id), 'greet'], at);
      expect(logs.stdout).toContain('hello remote: 1,4,9');
      await up.waitFor(`run ${id} hello success`);
      await new Promise((resolve) => setTimeout(resolve, 1_500)); // a few more announcement rounds
      expect(up.output.stdout.match(new RegExp(`run ${id} hello success`, 'g'))).toHaveLength(1);
      const local = await strata(['flow', 'run', 'hello', '--local'], at);
      expect(local).toMatchObject({
        code: 1,
        stderr: expect.stringContaining('--local: the warehouse is open in another process'),
      });
    } finally {
      expect(await up.stop('SIGTERM')).toBe(0);
    }
    expect(up.output.stdout).toMatch(/SIGTERM: stopping.*\nstopped\n$/);
    expect(existsSync(path.join(warehouse, 'meta', 'control.sock'))).toBe(false);
  });
});

describeBackends(
  'strata flow on a PostgreSQL server',
  (backend) => {
    let setup: BackendSetup;
    const at = () => ({ cwd: setup.warehouse, env: { ...setup.env } });

    beforeAll(async () => {
      setup = await backend.create();
      expect((await strata(['init', '.'], at())).code).toBe(0);
      writeFlows(setup.warehouse, { 'hello.ts': HELLO });
    }, 120_000);
    afterAll(async () => setup?.dispose());

    it('runs a flow with --local, and through a `strata up` in another process', { timeout: 240_000 }, async () => {
      const local = await strata(['flow', 'run', 'hello', '--local'], at());
      expect(local.code).toBe(0);
      expect(local.stdout).toMatch(/run \d+ hello success/);
      const up = startStrata(['up', '--slots', '1', '--no-api'], at());
      try {
        await up.waitFor('strata up: scheduler + worker');
        expect(up.output.stdout).not.toContain('control socket');
        const run = await strata(['flow', 'run', 'hello', '--wait'], at());
        expect(run.code).toBe(0);
        expect(run.stdout).toMatch(/run \d+ hello success/);
        expect((await strata(['flow', 'status', 'hello'], at())).stdout).toMatch(
          /manual\s+success[\s\S]*manual\s+success/,
        );
      } finally {
        expect(await up.stop('SIGTERM')).toBe(0);
      }
    });

    it(
      'serves the API with tokens kept on the server (`strata token create`, `strata serve`)',
      { timeout: 240_000 },
      async () => {
        const created = await strata(['token', 'create', '--name', 'ops', '--role', 'writer'], at());
        expect(created.code).toBe(0);
        const token = created.stdout.trim();
        const serve = startStrata(['serve', '--port', '0', '--log-level', 'silent'], at());
        try {
          await serve.waitFor('API on http://127.0.0.1:');
          const apiUrl = /API on (http:\/\/127\.0\.0\.1:\d+)/.exec(serve.output.stdout)![1]!;
          expect((await fetch(`${apiUrl}/v1/flows`)).status).toBe(401);
          const triggered = await fetch(`${apiUrl}/v1/flows/hello/runs`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: '{}',
          });
          expect(triggered.status).toBe(201);
        } finally {
          expect(await serve.stop('SIGTERM')).toBe(0);
        }
      },
    );
  },
  'postgres',
);
