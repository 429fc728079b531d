/**
 * h2_vs_h1_ratio: time of a "page" that makes 50 API requests at once, over HTTP/2
 * (one h2c session, 50 concurrent streams) ÷ over HTTP/1.1 the way a browser does it
 * (at most 6 keep-alive connections per origin: an undici Pool of 6). Both warm
 * (connections open, responses in the server's cache), pages alternating, from a
 * client process; the median page time of each side.
 */
import { median, spread, type Scenario } from '../harness.js';
import { apiWarehouse, Served } from './api-warehouse.js';
import { LoadClient } from './load-client.js';

const REQUESTS = 50;
const PAGES = 100;
const PATHS = Array.from(
  { length: REQUESTS },
  (_, i) => `/v1/tables/main.t/rows?region=eq.EU&select=id,amount,day,note&order=id.asc&limit=20&offset=${i * 20}`,
);

export const h2VsH1: Scenario = {
  name: 'h2_vs_h1_ratio',
  description: `a page of ${REQUESTS} concurrent API requests: HTTP/2 (1 session) ÷ HTTP/1.1 (6 connections), median of ${PAGES} alternating pages`,
  async run({ workDir, log }) {
    const served = await Served.open(await apiWarehouse(workDir, log));
    const load = await LoadClient.start();
    try {
      const server = await served.start();
      const result = await load.pages({ origin: server.url, paths: PATHS, warmup: 10, pages: PAGES, h1Connections: 6 });
      const h2 = median(result.h2);
      const h1 = median(result.h1);
      log(
        `h2 median ${h2.toFixed(1)} ms (${spread(result.h2, 1)}), h1 median ${h1.toFixed(1)} ms (${spread(result.h1, 1)})`,
      );
      return [
        {
          name: 'h2_vs_h1_ratio',
          value: h2 / h1,
          unit: 'ratio',
          note: `page of ${REQUESTS} cached row requests (${(result.bytesPerPage / 1024).toFixed(0)} KiB): HTTP/2 median ${h2.toFixed(1)} ms (${spread(result.h2, 1)}) vs HTTP/1.1 ×6 ${h1.toFixed(1)} ms (${spread(result.h1, 1)}), ${PAGES} pages each`,
        },
      ];
    } finally {
      await load.close();
      await served.close();
    }
  },
};
