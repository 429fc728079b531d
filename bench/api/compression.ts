/**
 * compression_ratio_json: bytes on the wire of a 10,000-row JSON page of real flights
 * with `Accept-Encoding: gzip` / `br` ÷ the same page with `identity`. Counted with
 * node:http, which does not decompress; each compressed body is decompressed and
 * checked against the identity body.
 */
import * as http from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { BenchResult, Scenario } from '../harness.js';
import { apiWarehouse, Served } from './api-warehouse.js';

const PAGE = '/v1/tables/main.flights/rows?limit=10000';

interface Wire {
  readonly bytes: Buffer;
  readonly encoding: string;
  readonly ms: number;
}

function get(origin: string, path: string, acceptEncoding: string): Promise<Wire> {
  const url = new URL(path, origin);
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.get(
      {
        host: url.hostname,
        port: url.port,
        path: `${url.pathname}${url.search}`,
        agent: false,
        headers: { 'accept-encoding': acceptEncoding, accept: 'application/json' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          if (res.statusCode !== 200) reject(new Error(`GET ${path} (${acceptEncoding}): ${res.statusCode}`));
          else
            resolve({
              bytes: Buffer.concat(chunks),
              encoding: String(res.headers['content-encoding'] ?? 'identity'),
              ms: performance.now() - start,
            });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
  });
}

export const compressionRatio: Scenario = {
  name: 'compression_ratio_json',
  description: 'wire bytes of a 10,000-row JSON page of flights: gzip and br ÷ identity',
  async run({ workDir, log }) {
    const served = await Served.open(await apiWarehouse(workDir, log));
    try {
      const server = await served.start();
      const raw = await get(server.url, PAGE, 'identity');
      const rows = (JSON.parse(raw.bytes.toString('utf8')) as unknown[]).length;
      if (rows !== 10_000 || raw.encoding !== 'identity')
        throw new Error(`identity page: ${rows} rows, encoding ${raw.encoding}`);
      const results: BenchResult[] = [];
      for (const [encoding, decode] of [
        ['gzip', gunzipSync],
        ['br', brotliDecompressSync],
      ] as const) {
        const wire = await get(server.url, PAGE, encoding);
        if (wire.encoding !== encoding) throw new Error(`Accept-Encoding ${encoding} answered with ${wire.encoding}`);
        if (!decode(wire.bytes).equals(raw.bytes))
          throw new Error(`the ${encoding} body does not decompress to the identity body`);
        const ms: number[] = [];
        for (let i = 0; i < 5; i++) ms.push((await get(server.url, PAGE, encoding)).ms);
        log(`${encoding}: ${wire.bytes.length} of ${raw.bytes.length} B`);
        results.push({
          name: `compression_ratio_json_${encoding}`,
          value: wire.bytes.length / raw.bytes.length,
          unit: 'ratio',
          bound: { max: 0.3 },
          note: `${wire.bytes.length.toLocaleString('en-US')} of ${raw.bytes.length.toLocaleString('en-US')} B (${rows.toLocaleString('en-US')} rows); cached page served in ~${Math.min(...ms).toFixed(0)} ms with ${encoding}`,
        });
      }
      return results;
    } finally {
      await served.close();
    }
  },
};
