/**
 * The SQL page in a real browser against a real server: run a query (button and
 * Ctrl+Enter) and see the grid and a chart, complete a column from the catalog, cancel
 * a long query, EXPLAIN with the pruning report, the history (an item reloads its
 * query), exports, time travel, deep links, and a reader's refusals with the server's
 * codes. Screenshots of each state go to the harness's artifacts.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeConsole, openConsole, type ConsoleHarness } from './harness.js';

// Five copies of sales crossed: 10^10 rows, far longer than the test waits before cancelling.
const LONG_QUERY =
  'SELECT count(*) AS n FROM sales a, sales b, sales c, sales d, sales e WHERE a.amount + b.amount + c.amount + d.amount + e.amount < 0';

describeConsole('SQL page in chromium', () => {
  let ui: ConsoleHarness;
  beforeAll(async () => {
    ui = await openConsole();
  });
  afterAll(async () => ui?.close());

  async function openSql(token: string, path = '/sql'): Promise<Page> {
    const page = await ui.newPage(path);
    await ui.signIn(page, token);
    await page.getByRole('heading', { name: 'SQL' }).waitFor();
    return page;
  }

  /** Replaces the editor's text (typed as one insertion, so no auto-closed brackets). */
  async function write(page: Page, text: string): Promise<void> {
    const editor = page.getByRole('textbox', { name: 'SQL editor' });
    await editor.click();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.insertText(text);
  }

  const status = (page: Page) => page.getByRole('status').filter({ hasText: /rows? in|Running|Ctrl\+Enter/ });

  it('runs a query with Ctrl+Enter and shows the grid and a chart', async () => {
    const page = await openSql(ui.tokens.admin);
    await write(page, 'SELECT region, sum(amount) AS total FROM sales GROUP BY region ORDER BY region');
    await page.keyboard.press('ControlOrMeta+Enter');
    await expect.poll(() => status(page).textContent()).toContain('3 rows');
    const grid = page.getByRole('grid', { name: 'Query result' });
    await grid.waitFor();
    expect(await grid.getByRole('row').count()).toBe(4);
    expect(await grid.getByRole('row').nth(1).textContent()).toContain('APAC');
    // The query is in the URL: a link to it.
    expect(new URL(page.url()).searchParams.get('q')).toContain('GROUP BY region');
    await ui.screenshot(page, 'sql-grid');

    await page.getByRole('tab', { name: 'Chart' }).click();
    await page.getByRole('img', { name: 'bar chart of total by region' }).waitFor();
    await page.getByLabel('Chart type').selectOption('line');
    await page.getByRole('img', { name: 'line chart of total by region' }).waitFor();
    expect(new URL(page.url()).searchParams.get('chart')).toBe('line');
    await ui.screenshot(page, 'sql-chart');
    // The dark theme (the shell follows the system's by default).
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.getByRole('tab', { name: 'Results' }).click();
    await page.getByRole('grid', { name: 'Query result' }).waitFor();
    await ui.screenshot(page, 'sql-grid-dark');
    await page.context().close();
  });

  it('opens a deep link, runs with the button, and draws numbers over days as a line', async () => {
    const q = 'SELECT day, sum(amount) AS total FROM sales GROUP BY day ORDER BY day';
    const page = await openSql(ui.tokens.admin, `/sql?q=${encodeURIComponent(q)}&view=chart`);
    await expect.poll(() => page.getByRole('textbox', { name: 'SQL editor' }).textContent()).toBe(q);
    await page.getByRole('button', { name: 'Run' }).click();
    await page.getByRole('img', { name: 'line chart of total by day' }).waitFor();
    await page.context().close();
  });

  it("completes the catalog's columns", async () => {
    const page = await openSql(ui.tokens.admin);
    await write(page, 'SELECT sales.');
    await page
      .getByRole('option', { name: /region/ })
      .first()
      .waitFor();
    expect(await page.getByRole('option', { name: /day/ }).count()).toBeGreaterThan(0);
    await ui.screenshot(page, 'sql-completion');
    await page.context().close();
  });

  it('cancels a long query and shows the server’s code', async () => {
    const page = await openSql(ui.tokens.admin);
    await write(page, LONG_QUERY);
    await page.getByRole('button', { name: 'Run' }).click();
    await page.getByText('Running…').waitFor();
    const cancel = page.getByRole('button', { name: 'Cancel' });
    await expect.poll(() => cancel.isEnabled()).toBe(true);
    await cancel.click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('API_QUERY_CANCELLED');
    await ui.screenshot(page, 'sql-cancelled');
    await page.context().close();
  });

  it('cancels a running query when the user leaves the page', async () => {
    const page = await openSql(ui.tokens.admin);
    const marker = `/* left ${Date.now()} */ ${LONG_QUERY}`;
    await write(page, marker);
    await page.getByRole('button', { name: 'Run' }).click();
    await page.getByText('Running…').waitFor();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tables' }).click();
    await page.getByRole('heading', { name: 'Tables' }).waitFor();
    // The server recorded the query as cancelled, not still running (it would run for hours).
    const outcome = async () => {
      const response = await ui.api.fetch('/v1/sql/history?limit=20', { token: ui.tokens.admin });
      const body = (await response.json()) as { entries: { sql: string; status: string }[] };
      return body.entries.find((entry) => entry.sql === marker)?.status ?? 'not recorded yet';
    };
    await expect.poll(outcome, { timeout: 15_000 }).toBe('cancelled');
    await page.context().close();
  });

  it('explains a query with its pruning report', async () => {
    const page = await openSql(ui.tokens.admin);
    await write(page, 'SELECT * FROM sales WHERE id > 90');
    await page.getByRole('button', { name: 'Explain' }).click();
    const report = page.getByRole('table', { name: 'Pruning report' });
    await report.waitFor();
    const row = await report.getByRole('row').nth(1).textContent();
    expect(row).toContain('main.sales');
    expect(row).toContain('id > 90');
    expect(await page.getByLabel('Query plan').textContent()).toMatch(/\S/);
    expect(new URL(page.url()).searchParams.get('view')).toBe('explain');
    await ui.screenshot(page, 'sql-explain');
    await page.context().close();
  });

  it('keeps the history; an item brings its query back', async () => {
    const page = await openSql(ui.tokens.admin);
    const q = 'SELECT count(*) AS n FROM sales AT (VERSION => 1)';
    await write(page, q);
    await page.keyboard.press('ControlOrMeta+Enter');
    // Time travel: version 1 holds the 100 seeded rows.
    await expect.poll(() => page.getByRole('grid').getByRole('row').nth(1).textContent()).toContain('100');
    const item = page.getByRole('link', { name: `Load query: ${q}` }).first();
    await item.waitFor();
    await write(page, 'SELECT 1');
    await item.click();
    await expect.poll(() => page.getByRole('textbox', { name: 'SQL editor' }).textContent()).toBe(q);
    expect(new URL(page.url()).searchParams.get('h')).toMatch(/\S/);
    await ui.screenshot(page, 'sql-history');
    await page.context().close();
  });

  it('links exports of the result as CSV and Parquet', async () => {
    const page = await openSql(ui.tokens.admin);
    await write(page, 'SELECT id, amount FROM sales ORDER BY id LIMIT 3');
    const csv = page.getByRole('link', { name: 'Export CSV' });
    const [download] = await Promise.all([page.waitForEvent('download'), csv.click()]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const href = await page.getByRole('link', { name: 'Export Parquet' }).getAttribute('href');
    const response = await page.request.get(`${ui.url}${href}`);
    expect(response.status()).toBe(200);
    expect((await response.body()).subarray(0, 4).toString()).toBe('PAR1');
    await page.context().close();
  });

  it("shows a reader the server's refusals, and completes only what it may see", async () => {
    const page = await openSql(ui.tokens.reader);
    await write(page, 'SELECT * FROM customers');
    await page.keyboard.press('ControlOrMeta+Enter');
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('NOT_FOUND');
    await ui.screenshot(page, 'sql-reader-refused');

    await write(page, 'SELECT id FROM sales');
    await page.getByRole('button', { name: 'Explain' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('API_FORBIDDEN');

    await write(page, 'SELECT sales.');
    await page
      .getByRole('option', { name: /region/ })
      .first()
      .waitFor();
    expect(await page.getByRole('option', { name: /day/ }).count()).toBe(0);
    await page.context().close();
  });
});
