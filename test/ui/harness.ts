/**
 * The console's browser-test harness: a real warehouse (main.sales, 100 rows with the
 * change data feed; main.customers, 10 rows) with a flow (`console_demo`: extract →
 * load, logging a line), a real API server serving the built console (ui/dist), the
 * orchestrator's scheduler and worker, an admin token and a restricted reader (sales
 * only, columns id/region/amount, rows region = 'EU'; customers invisible), and
 * Debian's chromium through playwright-core.
 *
 * The console must be built (`npm run build`, which `npm ci` runs). Without ui/dist or
 * chromium, suites are skipped with a message locally and FAIL in CI (CI=true).
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { describe } from 'vitest';
import { defineFlow, every, LocalFlowControl, type FlowDefinition } from '../../src/flows/index.js';
import { startTestApi, type TestApi } from '../api/helpers/api-harness.js';
import { openHarness, type Harness } from '../flows/helpers/flow-harness.js';
import { BACKENDS } from '../meta/helpers/backends.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CONSOLE_DIST = join(ROOT, 'ui', 'dist');
export const ARTIFACTS = join(ROOT, 'test-artifacts', 'ui');
export const CHROMIUM = process.env.STRATA_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Why browser suites cannot run here, or undefined when they can. */
export function missingForBrowserTests(): string | undefined {
  if (!existsSync(join(CONSOLE_DIST, 'index.html')))
    return `the console is not built (${CONSOLE_DIST} is missing): run \`npm run build\``;
  if (!existsSync(CHROMIUM)) return `no chromium at ${CHROMIUM}: install Debian's chromium (apt-get install chromium)`;
  return undefined;
}

/**
 * describe() for browser suites: skipped with a message when the console or chromium is
 * missing, except in CI, where the suite runs and fails on what is missing.
 */
export function describeConsole(name: string, body: () => void): void {
  const missing = missingForBrowserTests();
  if (missing !== undefined && process.env.CI !== 'true') {
    console.warn(`Skipping browser suite "${name}": ${missing}.`);
    describe.skip(name, body);
    return;
  }
  describe(name, body);
}

export const DEMO_FLOW = defineFlow(
  { id: 'console_demo', params: { n: 3 }, schedule: every('1d'), startDate: '2024-01-01T00:00:00Z', catchup: false },
  (f) => {
    const extract = f.task('extract', async (ctx) => {
      ctx.log(`extracting ${ctx.params.n} rows`);
      return ctx.params.n;
    });
    f.task('load', { inputs: { extract } }, async (ctx, { extract }) => {
      ctx.log(`loaded ${extract} rows`);
      return extract;
    });
  },
);

export interface ConsoleHarnessOptions {
  /** Flows the orchestrator knows; default [DEMO_FLOW]. */
  readonly flows?: readonly FlowDefinition[];
}

export interface ConsoleHarness {
  /** The server's base URL (the console is at `${url}/`). */
  readonly url: string;
  /** The API test server (fetch with a token, sql behind the server's back, more tokens). */
  readonly api: TestApi;
  /** The orchestrator (waitForRun, tasks). */
  readonly flows: Harness;
  readonly browser: Browser;
  /** An admin token, and a reader restricted to some rows and columns of main.sales. */
  readonly tokens: { readonly admin: string; readonly reader: string };
  /** A new page in its own browser context (own cookies), 1280×800, at `path` (default `/`). */
  newPage(path?: string): Promise<Page>;
  /** Signs in through the sign-in form and waits for the shell's navigation. */
  signIn(page: Page, token: string): Promise<void>;
  /** Writes test-artifacts/ui/<name>.png (full page). */
  screenshot(page: Page, name: string): Promise<string>;
  close(): Promise<void>;
}

export async function openConsole(options: ConsoleHarnessOptions = {}): Promise<ConsoleHarness> {
  const missing = missingForBrowserTests();
  if (missing !== undefined) throw new Error(`Browser tests cannot run: ${missing}.`);
  const flowDefinitions = options.flows ?? [DEMO_FLOW];
  const flows = await openHarness(BACKENDS.find(([name]) => name === 'pglite')![1], { flows: flowDefinitions });
  let api: TestApi | undefined;
  let browser: Browser | undefined;
  let reader: string;
  try {
    api = await startTestApi({
      catalog: flows.system.catalog,
      flows: new LocalFlowControl(flows.system),
      server: { consoleDir: CONSOLE_DIST, protocol: 'http1' },
    });
    // Grants belong to the role: every reader token sees only this.
    reader = await api.token('reader', [
      { table: 'main.sales', columns: ['id', 'region', 'amount'], rowFilter: "region = 'EU'" },
    ]);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    await mkdir(ARTIFACTS, { recursive: true });
  } catch (error) {
    await browser?.close();
    await api?.close();
    await flows.close();
    throw error;
  }
  const started = { api, browser };
  const url = api.url;
  return {
    url,
    api,
    flows,
    browser,
    tokens: { admin: api.tokens.admin, reader },
    async newPage(path = '/') {
      const context = await started.browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      await page.goto(`${url}${path}`);
      return page;
    },
    async signIn(page, token) {
      await page.getByLabel('API token').fill(token);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('navigation', { name: 'Main' }).waitFor();
    },
    async screenshot(page, name) {
      const path = join(ARTIFACTS, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    async close() {
      await started.browser.close();
      await started.api.close();
      await flows.close();
    },
  };
}
