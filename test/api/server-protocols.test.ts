/**
 * The server's transport: HTTP/1.1 and h2c on one port, TLS with HTTP/2 and HTTP/1.1
 * by ALPN, gzip/brotli by Accept-Encoding, the OpenAPI document, metrics, health and
 * readiness, and the one JSON error shape — each against a real listening server with
 * real clients (fetch, node:http2, node:https).
 */
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as http2 from 'node:http2';
import * as https from 'node:https';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './helpers/api-harness.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const cert = readFileSync(path.join(fixtures, 'localhost-cert.pem'));
const key = readFileSync(path.join(fixtures, 'localhost-key.pem'));

function h2Get(
  session: http2.ClientHttp2Session,
  pathAndQuery: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: http2.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ':path': pathAndQuery, ...headers });
    const chunks: Buffer[] = [];
    let responseHeaders: http2.IncomingHttpHeaders = {};
    stream.on('response', (h) => (responseHeaders = h));
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () =>
      resolve({ status: Number(responseHeaders[':status']), headers: responseHeaders, body: Buffer.concat(chunks) }),
    );
    stream.on('error', reject);
  });
}

/** A GET whose body is not decompressed, to see the bytes on the wire. */
function rawGet(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks) }),
        );
      })
      .on('error', reject);
  });
}

describe('API server transport (h2c + HTTP/1.1 on one port)', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => api?.close());

  it('answers HTTP/1.1 and cleartext HTTP/2 on the same port', async () => {
    const h1 = await api.fetch('/v1/tables');
    expect(h1.status).toBe(200);
    const session = http2.connect(api.url);
    try {
      const [a, b] = await Promise.all([
        h2Get(session, '/v1/tables', { authorization: `Bearer ${api.tokens.reader}` }),
        h2Get(session, '/health'),
      ]);
      expect(a.status).toBe(200);
      expect(
        (JSON.parse(a.body.toString()) as { tables: { name: string }[] }).tables.map((t) => t.name).sort(),
      ).toEqual(['main.customers', 'main.sales']);
      expect(JSON.parse(b.body.toString())).toEqual({ status: 'ok' });
    } finally {
      session.close();
    }
  });

  it('compresses with brotli or gzip as the client asks, to the same body', async () => {
    const url = `${api.url}/v1/tables/main.sales/rows?limit=100&access_token=${api.tokens.admin}`;
    const identity = await rawGet(url, { 'accept-encoding': 'identity' });
    const gzip = await rawGet(url, { 'accept-encoding': 'gzip' });
    const brotli = await rawGet(url, { 'accept-encoding': 'br, gzip' });
    expect(identity.headers['content-encoding']).toBeUndefined();
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(brotli.headers['content-encoding']).toBe('br');
    expect(gunzipSync(gzip.body).equals(identity.body)).toBe(true);
    expect(brotliDecompressSync(brotli.body).equals(identity.body)).toBe(true);
    expect(brotli.body.length).toBeLessThan(identity.body.length / 2);
  });

  it('serves an OpenAPI document naming the routes', async () => {
    const response = await fetch(`${api.url}/openapi.json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(document.openapi).toMatch(/^3\./);
    for (const route of [
      '/v1/tables',
      '/v1/tables/{name}',
      '/v1/tables/{name}/rows',
      '/v1/tables/{name}/history',
      '/v1/sql',
      '/v1/flows',
      '/v1/runs/{runId}',
    ]) {
      expect(Object.keys(document.paths)).toContain(route);
    }
  });

  it('exposes Prometheus metrics, health and readiness without a token', async () => {
    await api.fetch('/v1/tables');
    const metrics = await (await fetch(`${api.url}/metrics`)).text();
    expect(metrics).toMatch(/strata_http_requests_total\{method="GET",route="\/v1\/tables",status="200"\} [1-9]/);
    expect(metrics).toContain('strata_http_request_duration_seconds_bucket');
    expect((await fetch(`${api.url}/health`)).status).toBe(200);
    const ready = await fetch(`${api.url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('answers unknown routes and bad JSON with the one error shape', async () => {
    const missing = await api.fetch('/v1/nothing-here');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({
      code: 'API_NOT_FOUND',
      message: expect.stringContaining('/v1/nothing-here'),
      details: {},
    });
    const bad = await api.fetch('/v1/tables/main.sales/rows', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '[{"id": 1,',
      token: api.tokens.writer,
    });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { code: string; message: string; details: unknown };
    expect(body.code).toBe('API_BAD_REQUEST');
    expect(typeof body.message).toBe('string');
  });
});

describe('API server over TLS', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ server: { tls: { cert, key } } });
  });
  afterAll(async () => api?.close());

  it('speaks HTTP/2 and HTTP/1.1 by ALPN', async () => {
    expect(api.url.startsWith('https://')).toBe(true);
    const session = http2.connect(api.url, { ca: cert });
    try {
      const response = await h2Get(session, '/v1/tables/main.sales', { authorization: `Bearer ${api.tokens.reader}` });
      expect(response.status).toBe(200);
      expect((JSON.parse(response.body.toString()) as { name: string }).name).toBe('main.sales');
    } finally {
      session.close();
    }
    const h1 = await new Promise<{ status: number; version: string }>((resolve, reject) => {
      https
        .get(
          `${api.url}/health`,
          { ca: cert, agent: new https.Agent({ ca: cert, ALPNProtocols: ['http/1.1'] }) },
          (response) => {
            response.resume();
            response.on('end', () => resolve({ status: response.statusCode!, version: response.httpVersion }));
          },
        )
        .on('error', reject);
    });
    expect(h1).toEqual({ status: 200, version: '1.1' });
  });
});
