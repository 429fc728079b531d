/**
 * `ui_grid_long_tasks`: main-thread tasks over 50 ms (the Long Tasks API, observed in
 * the page) while a 100,000-row result scrolls from top to bottom in the SQL page's
 * grid, in headless Chromium against a real server. Counted from the moment the grid
 * shows the result, so fetching and parsing it are not counted: the figure is the
 * grid's, and it must be 0. Every step jumps further than the viewport, so each frame
 * draws a whole new window of rows (the worst case for the grid).
 */
import { cpus, loadavg } from 'node:os';
import type { BenchResult, Scenario } from '../harness.js';
import { longTasksDuring, startUiBench } from './ui-browser.js';

const ROWS = 100_000;
/** Scroll steps from top to bottom, one per animation frame. */
const STEPS = 400;

export const gridLongTasks: Scenario = {
  name: 'grid-long-tasks',
  description: `long tasks (>50 ms) while a ${ROWS.toLocaleString()}-row result scrolls in the SQL page's grid`,
  async run({ workDir, log }): Promise<BenchResult[]> {
    const bench = await startUiBench(workDir, async (session) => {
      await session.execute(
        `CREATE TABLE big AS SELECT i AS id, 'row ' || i AS label, i * 1.5 AS amount, DATE '2024-01-01' + CAST(i % 365 AS INTEGER) AS day FROM range(${ROWS}) t(i)`,
      );
    });
    try {
      const page = await bench.newPage();
      page.setDefaultTimeout(60_000);
      await page.goto(`${bench.url}/sql?q=${encodeURIComponent('SELECT * FROM big ORDER BY id')}`);
      await page.getByRole('button', { name: 'Run' }).click();
      await page.waitForFunction(
        (rows) => document.querySelector('[role="grid"]')?.getAttribute('aria-rowcount') === String(rows + 1),
        ROWS,
      );
      log('result shown; scrolling');
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
      // The main thread's CPU time says what the grid costs a frame, however busy the machine is.
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Performance.enable');
      const threadTime = async () =>
        (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'ThreadTime')?.value ?? 0;
      const cpuBefore = await threadTime();
      let reachedEnd = false;
      const tasks = await longTasksDuring(page, async () => {
        reachedEnd = await page.evaluate(async (steps) => {
          const element = document.querySelector<HTMLElement>('[role="grid"]')!;
          const end = element.scrollHeight - element.clientHeight;
          for (let i = 1; i <= steps; i++) {
            element.scrollTop = Math.round((end * i) / steps);
            await new Promise((resolve) => requestAnimationFrame(resolve));
          }
          await new Promise((resolve) => requestAnimationFrame(resolve));
          return element.textContent?.includes(`row ${99_999}`) ?? false;
        }, STEPS);
      });
      const cpuPerFrameMs = (((await threadTime()) - cpuBefore) * 1000) / STEPS;
      if (!reachedEnd) throw new Error('The grid did not show the last row at the bottom.');
      return [
        {
          name: 'ui_grid_long_tasks',
          value: tasks,
          unit: 'tasks',
          bound: { max: 0 },
          note:
            `${ROWS.toLocaleString()} rows scrolled top to bottom in ${STEPS} frames; main-thread CPU ` +
            `${cpuPerFrameMs.toFixed(1)} ms a frame; load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores ` +
            '(long tasks are wall-clock time: a loaded machine stretches them)',
        },
      ];
    } finally {
      await bench.close();
    }
  },
};
