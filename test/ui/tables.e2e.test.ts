/**
 * The Tables page in a real browser against a real server: browse the catalog to a
 * table and its schema and files, move the version slider and see the old rows, diff two
 * versions, explain data skipping for a filter, and a restricted reader who neither finds
 * an ungranted table in the tree nor opens it by deep link. Screenshots of each view.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeConsole, openConsole, type ConsoleHarness } from './harness.js';

describeConsole('Tables page in chromium', () => {
  let ui: ConsoleHarness;
  beforeAll(async () => {
    ui = await openConsole();
    // sales: version 2 updates id 3 (EU), version 3 deletes id 6 (EU).
    await ui.api.sql(`UPDATE sales SET amount = 0 WHERE id = 3`);
    await ui.api.sql(`DELETE FROM sales WHERE id = 6`);
    await ui.api.sql(`CREATE TABLE events (id BIGINT, kind VARCHAR) PARTITIONED BY (kind)`);
    await ui.api.sql(`INSERT INTO events SELECT i, 'a' FROM range(0, 10) t(i)`);
    await ui.api.sql(`INSERT INTO events SELECT i, 'b' FROM range(10, 20) t(i)`);
    await ui.api.sql(`INSERT INTO events SELECT i, 'c' FROM range(20, 30) t(i)`);
  }, 60_000);
  afterAll(async () => ui?.close());

  const tab = (page: Page, name: string) => page.getByRole('tab', { name, exact: true });

  it('browses to a table: schema, then files', async () => {
    const page = await ui.newPage('/tables');
    await ui.signIn(page, ui.tokens.admin);
    const catalog = page.getByRole('navigation', { name: 'Catalog' });
    await catalog.getByRole('link', { name: 'sales', exact: true }).click();
    await page.getByRole('heading', { name: 'main.sales' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/tables/main/sales');
    const columns = page.getByRole('table', { name: 'Columns' });
    await expect.poll(() => columns.getByRole('row').count()).toBe(5);
    await page.getByText('delta.enableChangeDataFeed').waitFor();
    await ui.screenshot(page, 'tables-schema');

    await tab(page, 'Files').click();
    expect(new URL(page.url()).searchParams.get('tab')).toBe('files');
    await page.getByRole('table', { name: 'Files' }).waitFor();
    await page.getByRole('img', { name: 'File sizes' }).waitFor();
    const files = await page
      .getByRole('table', { name: 'Files' })
      .getByRole('cell', { name: /\.parquet$/ })
      .count();
    expect(files).toBeGreaterThan(0);
    await page
      .getByRole('table', { name: 'Files' })
      .getByText(/id 1…100/)
      .waitFor();
    await ui.screenshot(page, 'tables-files');
    await page.context().close();
  });

  it('moves the version slider and shows the rows of the old version', async () => {
    const page = await ui.newPage('/tables/main/sales?tab=history');
    await ui.signIn(page, ui.tokens.admin);
    const slider = page.getByRole('slider', { name: 'Version' });
    await expect.poll(() => slider.inputValue()).toBe('3');
    const amountOf3 = (version: number) =>
      page
        .getByRole('table', { name: `Rows at version ${version}` })
        .getByRole('row')
        .nth(3)
        .getByRole('cell')
        .nth(2);
    // Rows are ordered by id: the third is id 3, whose amount version 2 set to 0 (it was 4.5).
    await expect.poll(() => amountOf3(3).textContent()).toBe('0');
    await slider.focus();
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => new URL(page.url()).searchParams.get('version')).toBe('1');
    await page.getByRole('heading', { name: 'Rows at version 1' }).waitFor();
    await expect.poll(() => amountOf3(1).textContent()).toBe('4.5');
    await page.getByRole('table', { name: 'Commits' }).getByRole('cell', { name: 'DELETE', exact: true }).waitFor();
    await ui.screenshot(page, 'tables-history');
    await page.context().close();
  });

  it('diffs two versions', async () => {
    const page = await ui.newPage('/tables/main/sales?tab=diff');
    await ui.signIn(page, ui.tokens.admin);
    await page.getByRole('combobox', { name: 'From version', exact: true }).selectOption('1');
    await page.getByRole('combobox', { name: 'To version', exact: true }).selectOption('3');
    const changes = page.getByRole('table', { name: 'Changed rows' });
    await changes.waitFor();
    await expect.poll(() => changes.getByRole('row').count()).toBe(4);
    await changes.getByRole('cell', { name: 'removed' }).waitFor();
    await changes.getByRole('cell', { name: 'updated (before)' }).waitFor();
    const url = new URL(page.url());
    expect([url.searchParams.get('from'), url.searchParams.get('to')]).toEqual(['1', '3']);
    await ui.screenshot(page, 'tables-diff');
    await page.context().close();
  });

  it('explains which files a filter skips and why', async () => {
    const page = await ui.newPage('/tables/main/events?tab=skipping');
    await ui.signIn(page, ui.tokens.admin);
    await page.getByLabel('Filter').fill(`kind = 'b'`);
    await page.getByRole('button', { name: 'Explain' }).click();
    await page.getByRole('heading', { name: /^Kept 1 of 3 files/ }).waitFor();
    const reasons = page.getByRole('table', { name: 'Skipping by file' });
    expect(await reasons.getByText('ruled out by partition value: partition kind = a').count()).toBe(1);
    expect(await reasons.getByRole('cell', { name: 'skipped', exact: true }).count()).toBe(2);
    expect(new URL(page.url()).searchParams.get('where')).toBe(`kind = 'b'`);
    await ui.screenshot(page, 'tables-skipping');
    // The same view in the dark theme (colours come from the shell's variables).
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await ui.screenshot(page, 'tables-skipping-dark');
    await page.context().close();
  });

  it('shows a restricted reader only its table, without file facts, and an error on a deep link', async () => {
    const page = await ui.newPage('/tables');
    await ui.signIn(page, ui.tokens.reader);
    const catalog = page.getByRole('navigation', { name: 'Catalog' });
    await catalog.getByRole('link', { name: 'sales', exact: true }).waitFor();
    expect(await catalog.getByRole('link').count()).toBe(1);
    await catalog.getByRole('link', { name: 'sales', exact: true }).click();
    await page.getByRole('heading', { name: 'main.sales' }).waitFor();
    expect(await tab(page, 'Files').count()).toBe(0);
    expect(await tab(page, 'Skipping').count()).toBe(0);
    await ui.screenshot(page, 'tables-reader');

    await page.goto(`${ui.url}/tables/main/customers`);
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('CATALOG_TABLE_NOT_FOUND');
    await ui.screenshot(page, 'tables-reader-not-found');
    await page.context().close();
  });
});
