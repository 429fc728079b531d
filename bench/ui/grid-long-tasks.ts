/**
 * `ui_grid_long_tasks`: main-thread tasks over 50 ms (the Long Tasks API's threshold,
 * via a PerformanceObserver of 'longtask' in the page) while a 100,000-row result
 * scrolls from top to bottom in the SQL page's grid, in headless Chromium against a
 * real server (`--insecure-local`, so the console opens straight in). Counted from the
 * moment the grid shows the result, so fetching and parsing it are not counted: the
 * figure is the grid's, and it must be 0.
 */
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { ApiServer } from '../../src/api/index.js';
import { Catalog, initWarehouse } from '../../src/catalog/index.js';
import { SqlSession } from '../../src/engine/index.js';
import type { BenchResult, Scenario } from '../harness.js';

const CONSOLE_DIST = fileURLToPath(new URL('../../ui/dist/', import.meta.url));
const CHROMIUM = process.env.STRATA_CHROMIUM ?? '/usr/bin/chromium';
const ROWS = 100_000;
/** Scroll steps from top to bottom, one per animation frame. */
const STEPS = 400;

declare global {
  interface Window {
    __longTasks?: number[];
  }
}

export const gridLongTasks: Scenario = {
  name: 'grid-long-tasks',
  description: `long tasks (>50 ms) while a ${ROWS.toLocaleString()}-row result scrolls in the SQL page's grid`,
  async run({ workDir, log }): Promise<BenchResult[]> {
    if (!existsSync(path.join(CONSOLE_DIST, 'index.html'))) throw new Error('Build the console first: npm run build');
    const warehouse = path.join(workDir, 'warehouse');
    await initWarehouse(warehouse);
    const catalog = await Catalog.open({ warehouse });
    await new SqlSession(catalog).execute(
      `CREATE TABLE big AS SELECT i AS id, 'row ' || i AS label, i * 1.5 AS amount, DATE '2024-01-01' + CAST(i % 365 AS INTEGER) AS day FROM range(${ROWS}) t(i)`,
    );
    const server = await ApiServer.start({
      catalog,
      port: 0,
      logLevel: 'silent',
      insecureLocal: true,
      consoleDir: CONSOLE_DIST,
      protocol: 'http1',
    });
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      page.setDefaultTimeout(60_000);
      await page.addInitScript(() => {
        window.__longTasks = [];
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) window.__longTasks!.push(entry.duration);
        }).observe({ type: 'longtask', buffered: true });
      });
      await page.goto(`${server.url}/sql?q=${encodeURIComponent('SELECT * FROM big ORDER BY id')}`);
      await page.getByRole('button', { name: 'Run' }).click();
      const grid = page.getByRole('grid', { name: 'Query result' });
      await grid.waitFor();
      await page.waitForFunction(
        (rows) => document.querySelector('[role="grid"]')?.getAttribute('aria-rowcount') === String(rows + 1),
        ROWS,
      );
      log('result shown; scrolling');
      // Two frames to settle, then count only the scroll.
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
      await page.evaluate(() => (window.__longTasks = []));
      // The main thread's CPU time says what the grid costs per frame, however busy the machine is.
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Performance.enable');
      const threadTime = async () =>
        (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'ThreadTime')?.value ?? 0;
      const cpuBefore = await threadTime();
      const reachedEnd = await page.evaluate(async (steps) => {
        const element = document.querySelector<HTMLElement>('[role="grid"]')!;
        const end = element.scrollHeight - element.clientHeight;
        for (let i = 1; i <= steps; i++) {
          element.scrollTop = Math.round((end * i) / steps);
          await new Promise((resolve) => requestAnimationFrame(resolve));
        }
        // The last row is drawn once the bottom is reached.
        await new Promise((resolve) => setTimeout(resolve, 200));
        return element.textContent?.includes('row 99999') ?? false;
      }, STEPS);
      if (!reachedEnd) throw new Error('The grid did not show the last row at the bottom.');
      const cpuPerFrameMs = (((await threadTime()) - cpuBefore) * 1000) / STEPS;
      const tasks = await page.evaluate(() => window.__longTasks ?? []);
      const longest = tasks.length === 0 ? 0 : Math.max(...tasks);
      return [
        {
          name: 'ui_grid_long_tasks',
          value: tasks.filter((d) => d > 50).length,
          unit: 'tasks',
          bound: { max: 0 },
          note:
            `${ROWS.toLocaleString()} rows scrolled top to bottom in ${STEPS} frames; longest task ${longest.toFixed(0)} ms; ` +
            `main-thread CPU ${cpuPerFrameMs.toFixed(1)} ms a frame; load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores ` +
            '(long tasks are wall-clock: a loaded machine stretches them)',
        },
      ];
    } finally {
      await browser.close();
      await server.close();
      await catalog.close();
    }
  },
};
