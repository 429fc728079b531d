/**
 * The console in a real browser against a real server: sign-in (a wrong token shows the
 * server's error), Home (health, a commit, a finished flow run, live metrics), Admin
 * (create a token shown once, revoke it), a reader without Admin, deep links, the
 * theme, sign-out. Screenshots of each page go to test-artifacts/ui/.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeConsole, openConsole, type ConsoleHarness } from './harness.js';

describeConsole('console shell in chromium', () => {
  let ui: ConsoleHarness;
  beforeAll(async () => {
    ui = await openConsole();
  });
  afterAll(async () => ui?.close());

  it('refuses a wrong token with the server error, then signs in to Home with health, commits, runs and metrics', async () => {
    const triggered = await ui.api.fetch('/v1/flows/console_demo/runs', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ params: { n: 7 } }),
    });
    const { runId } = (await triggered.json()) as { runId: number };
    await ui.flows.waitForRun(runId);

    const page = await ui.newPage();
    await page.getByLabel('API token').fill('strata_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('API_UNAUTHORIZED');
    await ui.screenshot(page, 'sign-in-refused');

    await ui.signIn(page, ui.tokens.admin);
    await page.getByRole('heading', { name: 'Home', level: 1 }).waitFor();
    await page.getByText('Status:').waitFor();
    const commits = page.getByRole('table', { name: 'Recent commits' });
    await commits.getByRole('link', { name: 'main.sales' }).first().waitFor();
    expect(await commits.getByRole('link', { name: 'main.sales' }).first().getAttribute('href')).toMatch(
      /^\/tables\/main\.sales\?version=\d+$/,
    );
    const runs = page.getByRole('table', { name: 'Flow runs' });
    await runs.getByRole('link', { name: `#${runId}` }).waitFor();
    expect(await runs.textContent()).toContain('success');
    // The metrics stream needs two samples for a first point.
    await page.getByRole('img', { name: /Requests per second/ }).waitFor({ timeout: 30_000 });
    expect(await page.getByRole('link', { name: 'Admin' }).count()).toBe(1);
    await ui.screenshot(page, 'home');

    await page.getByRole('button', { name: /^Theme:/ }).click(); // system → light
    await page.getByRole('button', { name: /^Theme:/ }).click(); // light → dark
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await page.reload();
    await page.getByRole('heading', { name: 'Home', level: 1 }).waitFor();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await ui.screenshot(page, 'home-dark');
    await page.context().close();
  });

  it('creates a token on Admin (its secret shown once) that signs in, then revokes it', async () => {
    const page = await ui.newPage('/admin');
    await ui.signIn(page, ui.tokens.admin);
    await page.getByRole('heading', { name: 'Admin', level: 1 }).waitFor();
    await page.getByLabel('Token name').fill('e2e-made');
    await page.getByLabel('Token role').selectOption('reader');
    await page.getByLabel('Token expiry').selectOption({ label: 'in 7 days' });
    await page.getByRole('button', { name: 'Create token' }).click();
    const secret = (await page.getByLabel('Token secret').textContent())!.trim();
    expect(secret).toMatch(/^strata_/);
    const row = page.getByRole('table', { name: 'Tokens' }).getByRole('row').filter({ hasText: 'e2e-made' });
    await expect.poll(() => row.textContent()).toContain('active until');
    await ui.screenshot(page, 'admin-token-created');
    expect((await ui.api.fetch('/v1/session', { token: secret })).status).toBe(200);

    // Shown once: after leaving and coming back, the secret is nowhere on the page.
    await page.getByRole('link', { name: 'Home' }).click();
    await page.getByRole('link', { name: 'Admin' }).click();
    await row.waitFor();
    expect(await page.content()).not.toContain(secret);

    // Someone signed in with the new token is sent back to sign-in once it is revoked.
    const other = await ui.newPage();
    await ui.signIn(other, secret);
    await other.getByRole('table', { name: 'Flow runs' }).waitFor();

    await page.getByRole('button', { name: 'Revoke e2e-made' }).click();
    await expect.poll(() => row.textContent()).toContain('revoked');
    expect((await ui.api.fetch('/v1/session', { token: secret })).status).toBe(401);
    // Home refreshes its runs every few seconds: the 401 it then gets brings back the sign-in page.
    await other.getByLabel('API token').waitFor({ timeout: 20_000 });
    await other.context().close();

    await page.getByLabel('Grant role').selectOption('writer');
    await page.getByLabel('Grant table').selectOption('main.customers');
    await page.getByLabel('Grant columns').fill('id, name');
    await page.getByRole('button', { name: 'Save grant' }).click();
    await page.getByRole('button', { name: 'Remove grant writer main.customers' }).waitFor();
    await ui.screenshot(page, 'admin');
    await page.context().close();
  });

  it('opens a deep link on its page; a reader has no Admin and signs out', async () => {
    const page = await ui.newPage('/tables/main.sales?version=1');
    await ui.signIn(page, ui.tokens.reader);
    await page.getByRole('heading', { name: 'Tables', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe('/tables/main.sales?version=1');
    expect(await page.getByRole('link', { name: 'Admin' }).count()).toBe(0);

    await page.getByRole('link', { name: 'Home' }).click();
    const commits = page.getByRole('table', { name: 'Recent commits' });
    await commits.waitFor();
    // The reader's grant covers main.sales only.
    expect(await commits.textContent()).not.toContain('main.customers');
    await ui.screenshot(page, 'home-reader');

    await page.goto(`${ui.url}/admin`);
    await page.getByRole('heading', { name: 'Not found' }).or(page.getByText('No such page')).waitFor();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API token').waitFor();
    await page.reload();
    await page.getByLabel('API token').waitFor();
    await page.context().close();
  });
});
