/**
 * The load client process: runs autocannon (programmatic API) and page loads against
 * the API server, which runs in the bench process, so client and server do not share
 * an event loop. Latencies come from autocannon's per-response event (float ms):
 * its own histogram has 1 ms resolution and leaves out non-2xx answers such as 304.
 */
import * as http2 from 'node:http2';
import autocannon from 'autocannon';
import { Pool } from 'undici';
import type { LoadJob, LoadResult, PagesJob, PagesResult } from './load-protocol.js';
import { percentiles } from './stats.js';
import { serveParent, toParent } from './worker-process.js';

async function load(job: LoadJob): Promise<LoadResult> {
  const times: number[] = [];
  const statuses: Record<string, number> = {};
  const started = performance.now();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: job.url,
        method: job.method ?? 'GET',
        connections: job.connections,
        duration: job.duration,
        ...(job.headers ? { headers: job.headers } : {}),
        ...(job.body ? { body: job.body } : {}),
      },
      (error, done) => (error ? reject(error as Error) : resolve(done)),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      times.push(responseTime);
      statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
    });
  });
  const seconds = (performance.now() - started) / 1000;
  const p = percentiles(times);
  return {
    kind: 'loaded',
    requests: times.length,
    seconds,
    rps: times.length / job.duration,
    p50: p.p50,
    p99: p.p99,
    statuses,
    errors: result.errors,
    timeouts: result.timeouts,
    bytes: result.throughput.total,
  };
}

function h2Get(session: http2.ClientHttp2Session, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = session.request({ ':path': path });
    let bytes = 0;
    let status = 0;
    req.on('response', (headers) => {
      status = Number(headers[':status']);
    });
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    req.on('end', () => (status === 200 ? resolve(bytes) : reject(new Error(`h2 GET ${path}: ${status}`))));
    req.on('error', reject);
    req.end();
  });
}

async function h1Get(pool: Pool, path: string): Promise<number> {
  const response = await pool.request({ path, method: 'GET' });
  const body = Buffer.from(await response.body.arrayBuffer());
  if (response.statusCode !== 200) throw new Error(`h1 GET ${path}: ${response.statusCode}`);
  return body.length;
}

async function pages(job: PagesJob): Promise<PagesResult> {
  const session = http2.connect(job.origin, { settings: { enablePush: false, initialWindowSize: 1 << 20 } });
  await new Promise<void>((resolve, reject) => session.once('connect', () => resolve()).once('error', reject));
  session.setLocalWindowSize(16 << 20);
  const pool = new Pool(job.origin, { connections: job.h1Connections, pipelining: 1 });
  const h2: number[] = [];
  const h1: number[] = [];
  let bytesPerPage = 0;
  try {
    const sides = [
      { name: 'h2', times: h2, page: () => Promise.all(job.paths.map((p) => h2Get(session, p))) },
      { name: 'h1', times: h1, page: () => Promise.all(job.paths.map((p) => h1Get(pool, p))) },
    ];
    for (let i = 0; i < job.warmup + job.pages; i++) {
      for (const side of i % 2 === 0 ? sides : [...sides].reverse()) {
        const start = performance.now();
        const sizes = await side.page();
        const ms = performance.now() - start;
        bytesPerPage = sizes.reduce((a, b) => a + b, 0);
        if (i >= job.warmup) side.times.push(ms);
      }
    }
  } finally {
    session.close();
    await pool.close();
  }
  return { kind: 'paged', h2, h1, bytesPerPage };
}

serveParent(async (message) => {
  if (message.kind === 'load') toParent(await load(message as unknown as LoadJob));
  else if (message.kind === 'pages') toParent(await pages(message as unknown as PagesJob));
});
