/**
 * What the ui suite's scenarios share: a server on a small warehouse serving the built
 * console (ui/dist; `npm run build` first), `--insecure-local` so the Home page opens
 * without signing in, and Debian's headless chromium through playwright-core. Also
 * `longTasksDuring`, the count of main-thread tasks over 50 ms while an action runs
 * (for scenarios such as the SQL grid's scrolling).
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ApiServer } from '../../src/api/index.js';
import { Catalog, initWarehouse } from '../../src/catalog/index.js';
import { SqlSession } from '../../src/engine/index.js';

export const CONSOLE_DIST = fileURLToPath(new URL('../../ui/dist/', import.meta.url));
const CHROMIUM = process.env.STRATA_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface UiBench {
  readonly url: string;
  readonly server: ApiServer;
  readonly catalog: Catalog;
  readonly browser: Browser;
  /** A page in a fresh context (empty cache), 1280×800. */
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/** A server on `workDir/warehouse` (main.sales, 1,000 rows) and a browser. `setup` may add data first. */
export async function startUiBench(workDir: string, setup?: (session: SqlSession) => Promise<void>): Promise<UiBench> {
  if (!existsSync(path.join(CONSOLE_DIST, 'index.html')))
    throw new Error(`The console is not built (${CONSOLE_DIST}): run \`npm run build\` first.`);
  if (!existsSync(CHROMIUM)) throw new Error(`No chromium at ${CHROMIUM}: apt-get install chromium.`);
  const warehouse = path.join(workDir, 'warehouse');
  await initWarehouse(warehouse);
  const catalog = await Catalog.open({ warehouse });
  const session = new SqlSession(catalog);
  await session.execute(`
    CREATE TABLE sales (id BIGINT, region VARCHAR, amount DOUBLE);
    INSERT INTO sales SELECT i, CASE i % 3 WHEN 0 THEN 'EU' WHEN 1 THEN 'US' ELSE 'APAC' END, i * 1.5 FROM range(1000) t(i);
  `);
  await setup?.(session);
  const server = await ApiServer.start({
    catalog,
    port: 0,
    logLevel: 'silent',
    insecureLocal: true,
    consoleDir: CONSOLE_DIST,
    protocol: 'http1',
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS }).catch(async (error) => {
    await server.close();
    await catalog.close();
    throw error;
  });
  return {
    url: server.url,
    server,
    catalog,
    browser,
    async newPage() {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      return context.newPage();
    },
    async close() {
      await browser.close();
      await server.close();
      await catalog.close();
    },
  };
}

/** Opens Home and waits until it is usable: the shell's navigation and the health answer are on screen. */
export async function openHome(page: Page, url: string): Promise<void> {
  await page.goto(`${url}/`);
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
  await page.getByText('Status:').waitFor();
}

/**
 * Main-thread tasks longer than `thresholdMs` (the Long Tasks API's 50 ms) while
 * `action` runs in the page (e.g. scrolling a grid).
 */
export async function longTasksDuring(page: Page, action: () => Promise<void>, thresholdMs = 50): Promise<number> {
  await page.evaluate(() => {
    const state = globalThis as unknown as { __longTasks: number[] };
    state.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) state.__longTasks.push(entry.duration);
    }).observe({ type: 'longtask', buffered: false });
  });
  await action();
  // Entries are delivered asynchronously: let the observer catch up.
  await page.waitForTimeout(200);
  const durations = await page.evaluate(() => (globalThis as unknown as { __longTasks: number[] }).__longTasks);
  return durations.filter((duration) => duration > thresholdMs).length;
}
