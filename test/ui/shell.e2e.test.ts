/**
 * The console in a real browser against a real server: the sign-in page (a wrong token
 * shows the server's error), Home after signing in, deep links, sign-out.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeConsole, openConsole, type ConsoleHarness } from './harness.js';

describeConsole('console shell in chromium', () => {
  let ui: ConsoleHarness;
  beforeAll(async () => {
    ui = await openConsole();
  });
  afterAll(async () => ui?.close());

  it('refuses a wrong token with the server error, then signs in to Home', async () => {
    const page = await ui.newPage();
    await page.getByLabel('API token').fill('strata_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('API_UNAUTHORIZED');
    await ui.screenshot(page, 'sign-in-refused');

    await ui.signIn(page, ui.tokens.admin);
    await page.getByRole('heading', { name: 'Home' }).waitFor();
    await page.getByText('Status:').waitFor();
    expect(await page.getByRole('link', { name: 'Admin' }).count()).toBe(1);
    await ui.screenshot(page, 'home');
    await page.context().close();
  });

  it('opens a deep link on its page, and a reader has no Admin', async () => {
    const page = await ui.newPage('/tables/main/sales?version=1');
    await ui.signIn(page, ui.tokens.reader);
    await page.getByRole('heading', { name: 'Tables' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/tables/main/sales');
    expect(await page.getByRole('link', { name: 'Admin' }).count()).toBe(0);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API token').waitFor();
    await page.reload();
    await page.getByLabel('API token').waitFor();
    await page.context().close();
  });
});
