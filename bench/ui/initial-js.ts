/**
 * `ui_initial_js_gzip_kb`: the JavaScript the Home page loads before anyone touches it
 * (the shell's entry, the Home chunk and what it imports), each file's gzip size as the
 * server sends it (its pre-compressed .gz), summed. Bound ≤ 300 KB.
 */
import { gzipSync } from 'node:zlib';
import type { Scenario } from '../harness.js';
import { openHome, startUiBench } from './ui-browser.js';

export const initialJs: Scenario = {
  name: 'ui-initial-js',
  description: 'gzipped JavaScript the Home page loads before interaction',
  async run({ workDir, log }) {
    const bench = await startUiBench(workDir);
    try {
      const page = await bench.newPage();
      const scripts = new Set<string>();
      page.on('request', (request) => {
        if (request.resourceType() === 'script') scripts.add(request.url());
      });
      await openHome(page, bench.url);
      await page.waitForLoadState('networkidle');
      let bytes = 0;
      for (const url of scripts) {
        const response = await fetch(url, { headers: { 'accept-encoding': 'gzip' } });
        const body = Buffer.from(await response.arrayBuffer());
        // fetch decodes gzip; the size on the wire is what gzip makes of the file.
        bytes +=
          response.headers.get('content-encoding') === 'gzip' ? gzipSync(body, { level: 9 }).length : body.length;
      }
      log(`${scripts.size} scripts: ${[...scripts].map((u) => new URL(u).pathname).join(', ')}`);
      return [
        {
          name: 'ui_initial_js_gzip_kb',
          value: Math.round((bytes / 1024) * 10) / 10,
          unit: 'KB',
          bound: { max: 300 },
          note: `${scripts.size} script${scripts.size === 1 ? '' : 's'} loaded by / before interaction, gzip`,
        },
      ];
    } finally {
      await bench.close();
    }
  },
};
