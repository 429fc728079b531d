/**
 * `ui_first_load_ms`: Home from navigation to usable (navigation and the health answer
 * on screen) on loopback in headless chromium, a fresh browser context (empty cache)
 * each time; the median of the loads after a warm-up. Bound ≤ 1,000 ms.
 */
import { median, spread, type Scenario } from '../harness.js';
import { openHome, startUiBench } from './ui-browser.js';

const LOADS = 9;

export const firstLoad: Scenario = {
  name: 'ui-first-load',
  description: `Home page to interactive, median of ${LOADS} cold loads`,
  async run({ workDir, log }) {
    const bench = await startUiBench(workDir);
    try {
      const times: number[] = [];
      for (let i = 0; i <= LOADS; i++) {
        const page = await bench.newPage();
        const started = performance.now();
        await openHome(page, bench.url);
        const ms = performance.now() - started;
        await page.context().close();
        // The first load warms the server (and the OS page cache), not the browser: not counted.
        if (i > 0) times.push(ms);
        log(`load ${i}: ${ms.toFixed(0)} ms${i === 0 ? ' (warm-up)' : ''}`);
      }
      return [
        {
          name: 'ui_first_load_ms',
          value: Math.round(median(times)),
          unit: 'ms',
          bound: { max: 1000 },
          note: `median of ${LOADS} cold loads (fresh context each), spread ${spread(times)}`,
        },
      ];
    } finally {
      await bench.close();
    }
  },
};
