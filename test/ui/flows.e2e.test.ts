/**
 * The Flows page in a real browser against a real server, scheduler and worker: trigger
 * a flow with a parameter from the generated form and watch its Gantt fill and finish,
 * follow a task's log while the task writes it, the grid shows the run, pause and
 * unpause, a backfill preview, pools; a reader sees flows but no trigger form.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { defineFlow, every } from '../../src/flows/index.js';
import { describeConsole, openConsole, type ConsoleHarness } from './harness.js';

/** `slow` logs a line, waits here until the test opens the gate, then logs another. */
let openGate: () => void = () => undefined;
const gate = new Promise<void>((resolve) => (openGate = resolve));

const FLOW = defineFlow(
  {
    id: 'ui_flow',
    params: { label: 'default', n: 2 },
    schedule: every('1d'),
    startDate: '2024-01-01T00:00:00Z',
    catchup: false,
  },
  (f) => {
    const extract = f.task('extract', { pool: 'light' }, async (ctx) => ctx.params.n);
    const left = f.task('left', { inputs: { extract } }, async (_ctx, { extract }) => extract + 1);
    const right = f.task('right', { inputs: { extract } }, async (_ctx, { extract }) => extract + 2);
    f.task('slow', { inputs: { left, right } }, async (ctx, { left, right }) => {
      ctx.log(`before the gate ${ctx.params.label} ${left + right}`);
      // A warm-up run goes straight through: it gives the tasks a history (expectations, an ETA).
      if (ctx.params.label !== 'warmup') await gate;
      ctx.log('after the gate');
      return left + right;
    });
  },
);

describeConsole('flows page in chromium', () => {
  let ui: ConsoleHarness;
  beforeAll(async () => {
    ui = await openConsole({ flows: [FLOW] });
    const warmup = await ui.api.fetch('/v1/flows/ui_flow/runs', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ params: { label: 'warmup' } }),
    });
    expect((await ui.flows.waitForRun(((await warmup.json()) as { runId: number }).runId)).state).toBe('success');
  });
  afterAll(async () => {
    openGate();
    await ui?.close();
  });

  it('triggers a run with a parameter, follows its Gantt and a task log live to the end', async () => {
    const page = await ui.newPage('/flows');
    await ui.signIn(page, ui.tokens.admin);
    const flows = page.getByRole('table', { name: 'Flows' });
    await flows.getByRole('link', { name: 'ui_flow' }).waitFor();

    await flows.getByRole('link', { name: 'ui_flow' }).click();
    await page.getByRole('img', { name: 'Graph of ui_flow: 4 tasks' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/flows/ui_flow');
    await page.getByRole('textbox', { name: 'label', exact: true }).fill('from-browser');
    await page.getByRole('button', { name: 'Trigger run' }).click();

    // The run's page: the Gantt fills while `slow` waits at the gate, its log follows.
    await page.waitForURL(/\/flows\/ui_flow\/runs\/\d+$/);
    const runId = Number(new URL(page.url()).pathname.split('/').at(-1));
    const gantt = page.getByRole('group', { name: `Gantt chart of run ${runId}` });
    await gantt.locator('[data-task="slow"][data-state="running"]').waitFor();
    await gantt.getByRole('button', { name: 'slow' }).click();
    expect(new URL(page.url()).search).toBe('?task=slow');
    const log = page.getByRole('log', { name: 'Log of slow' });
    await expect.poll(() => log.textContent()).toContain('before the gate from-browser 7');
    expect(await log.textContent()).not.toContain('after the gate');
    expect(await gantt.locator('[data-task="extract"][data-state="success"]').count()).toBe(1);
    // The warm-up run taught the scheduler how long `slow` takes: expected vs actual, and the run's ETA.
    expect(await gantt.locator('[data-task="slow"]').textContent()).toMatch(/expected/);
    await page.getByLabel('Run ETA').waitFor();
    await ui.screenshot(page, 'flows-run-live');
    await page.emulateMedia({ colorScheme: 'dark' });
    await ui.screenshot(page, 'flows-run-live-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    openGate();
    await expect.poll(() => log.textContent()).toContain('after the gate');
    await page.getByText('(ended: success)').waitFor();
    await page.getByRole('heading', { name: /Run \d+ success/ }).waitFor();
    expect(await gantt.locator('[data-state="success"]').count()).toBe(4);
    expect(await gantt.locator('[data-span="running"]').count()).toBe(4);
    expect((await ui.flows.waitForRun(runId)).state).toBe('success');
    await ui.screenshot(page, 'flows-run-done');

    // The grid shows the run; its cell is a deep link back to the run with the task selected.
    await page.getByRole('link', { name: 'ui_flow' }).click();
    const cell = page.getByRole('link', { name: `slow in run ${runId}: success` });
    await cell.waitFor();
    await ui.screenshot(page, 'flows-detail');
    await cell.click();
    await page.waitForURL(new RegExp(`/flows/ui_flow/runs/${runId}\\?task=slow$`));
    await expect.poll(() => page.getByRole('log', { name: 'Log of slow' }).textContent()).toContain('after the gate');

    // Home links a run as /flows/<id>?run=<n>: that opens the run's page too.
    await page.goto(`${ui.url}/flows/ui_flow?run=${runId}`);
    await page.waitForURL(new RegExp(`/flows/ui_flow/runs/${runId}$`));
    await page.getByRole('group', { name: `Gantt chart of run ${runId}` }).waitFor();

    // The list: the last run, and the pool its first task used.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Flows' }).click();
    await page
      .getByRole('table', { name: 'Flows' })
      .getByRole('link', { name: /^success/ })
      .waitFor();
    const pools = page.getByRole('table', { name: 'Pools' });
    await pools.getByRole('cell', { name: 'light' }).waitFor();
    await pools.getByRole('spinbutton', { name: 'Slots of light' }).fill('3');
    await pools.getByRole('button', { name: 'Set' }).click();
    await pools.getByText('0/3').waitFor();
    await ui.screenshot(page, 'flows-list');
    await page.context().close();
  });

  it('pauses and unpauses, previews a backfill, and shows a bad parameter before sending it', async () => {
    const page = await ui.newPage('/flows/ui_flow');
    await ui.signIn(page, ui.tokens.admin);
    const paused = page.getByRole('switch', { name: 'Paused ui_flow' });
    await paused.waitFor();
    expect(await paused.getAttribute('aria-checked')).toBe('false');
    await paused.click();
    await expect.poll(() => paused.getAttribute('aria-checked')).toBe('true');
    expect(
      (await ui.flows.system.queue.meta.db.selectFrom('flow_definitions').select('paused').executeTakeFirstOrThrow())
        .paused,
    ).toBe(true);
    await paused.click();
    await expect.poll(() => paused.getAttribute('aria-checked')).toBe('false');

    await page.getByLabel('From').fill('2024-01-01');
    await page.getByLabel('To').fill('2024-01-03');
    await page.getByRole('button', { name: 'Preview' }).click();
    const preview = page.getByRole('status', { name: 'Backfill preview' });
    await expect.poll(() => preview.textContent()).toContain('Would create 3 runs');
    expect(await preview.getByRole('listitem').allTextContents()).toEqual(['2024-01-01', '2024-01-02', '2024-01-03']);

    await page.getByRole('textbox', { name: 'n', exact: true }).fill('many');
    await page.getByRole('button', { name: 'Trigger run' }).click();
    await page.getByText('"many" is not a number').waitFor();
    expect(new URL(page.url()).pathname).toBe('/flows/ui_flow');
    await ui.screenshot(page, 'flows-backfill-preview');
    await page.context().close();
  });

  it('lets a reader see flows and runs, without a trigger form or a pause switch that works', async () => {
    const page = await ui.newPage('/flows/ui_flow');
    await ui.signIn(page, ui.tokens.reader);
    await page.getByRole('img', { name: 'Graph of ui_flow: 4 tasks' }).waitFor();
    await page.getByText('Triggering needs the writer role.').waitFor();
    expect(await page.getByRole('button', { name: 'Trigger run' }).count()).toBe(0);
    expect(await page.getByRole('switch', { name: 'Paused ui_flow' }).isDisabled()).toBe(true);
    await page.context().close();
  });
});
