/**
 * The console's session over real HTTP: sign-in sets an httpOnly SameSite=Strict cookie
 * (never echoing the token), the cookie authenticates reads and streams, state changes
 * need the CSRF token and this origin, sign-out clears it, a revoked token's cookie
 * stops working; the console's files are served with the right caching and encodings.
 */
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import https from 'node:https';
import { Writable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken, revokeToken } from '../../src/api/index.js';
import { createLogger } from '../../src/core/index.js';
import { startTestApi, type TestApi } from './helpers/api-harness.js';

describe('console session and files', () => {
  let api: TestApi;
  let consoleDir: string;
  beforeAll(async () => {
    consoleDir = await mkdtemp(join(tmpdir(), 'strata-console-'));
    await mkdir(join(consoleDir, 'assets'));
    await writeFile(join(consoleDir, 'index.html'), '<!doctype html><title>console</title>');
    await writeFile(join(consoleDir, 'assets', 'app-abc123.js'), 'console.log("app")');
    await writeFile(join(consoleDir, 'assets', 'app-abc123.js.gz'), gzipSync('console.log("app")'));
    api = await startTestApi({ server: { consoleDir, protocol: 'http1' } });
  });
  afterAll(async () => {
    await api?.close();
    await rm(consoleDir, { recursive: true, force: true });
  });

  const signIn = async (token: string) => {
    const response = await fetch(`${api.url}/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    });
    return response;
  };
  const cookieOf = (response: Response) => response.headers.get('set-cookie')!.split(';')[0]!;

  it('signs in with a token: an httpOnly SameSite=Strict cookie, the principal and a CSRF token', async () => {
    const response = await signIn(api.tokens.reader);
    expect(response.status).toBe(200);
    const setCookie = response.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^strata_session=/);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    expect(setCookie).toContain('Path=/');
    expect(setCookie).not.toContain('Secure'); // plain HTTP here
    const body = (await response.json()) as { principal: { role: string }; csrfToken: string; insecureLocal: boolean };
    expect(body).toMatchObject({ principal: { role: 'reader' }, insecureLocal: false });
    expect(body.csrfToken).toMatch(/^[\w-]{20,}$/);
    expect(JSON.stringify(body)).not.toContain(api.tokens.reader);

    const session = await fetch(`${api.url}/v1/session`, { headers: { cookie: cookieOf(response) } });
    expect(await session.json()).toMatchObject({ principal: { role: 'reader' }, csrfToken: body.csrfToken });
    const tables = await fetch(`${api.url}/v1/tables`, { headers: { cookie: cookieOf(response) } });
    expect(tables.status).toBe(200);
  });

  it('refuses a wrong token at sign-in with the error body', async () => {
    const response = await signIn('strata_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    expect(response.status).toBe(401);
    expect(response.headers.get('set-cookie')).toBeNull();
    expect(await response.json()).toMatchObject({ code: 'API_UNAUTHORIZED' });
  });

  it('needs the CSRF token and this origin for state changes made with the cookie', async () => {
    const response = await signIn(api.tokens.admin);
    const cookie = cookieOf(response);
    const { csrfToken } = (await response.json()) as { csrfToken: string };
    const create = (headers: Record<string, string>) =>
      fetch(`${api.url}/v1/admin/tokens`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ name: `csrf-${Math.random()}`, role: 'reader' }),
      });
    const missing = await create({});
    expect(missing.status).toBe(403);
    expect(await missing.json()).toMatchObject({ code: 'API_CSRF' });
    expect((await create({ 'x-strata-csrf': 'forged' })).status).toBe(403);
    const otherOrigin = await create({ 'x-strata-csrf': csrfToken, origin: 'https://evil.example' });
    expect(otherOrigin.status).toBe(403);
    expect(await otherOrigin.json()).toMatchObject({ code: 'API_CSRF', details: { origin: 'https://evil.example' } });
    expect((await create({ 'x-strata-csrf': csrfToken, origin: api.url })).status).toBe(201);
    expect((await create({ 'x-strata-csrf': csrfToken })).status).toBe(201);
    // An explicit token is not ambient: no CSRF token needed.
    expect(
      (
        await api.fetch('/v1/admin/tokens', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'bearer-made', role: 'reader' }),
        })
      ).status,
    ).toBe(201);
  });

  it('signs out, and a revoked token cookie stops working', async () => {
    const created = await createToken(api.catalog.meta, { name: 'cookie-revoked', role: 'reader' });
    const cookie = cookieOf(await signIn(created.token));
    expect((await fetch(`${api.url}/v1/session`, { headers: { cookie } })).status).toBe(200);
    await revokeToken(api.catalog.meta, 'cookie-revoked');
    const revoked = await fetch(`${api.url}/v1/session`, { headers: { cookie } });
    expect(revoked.status).toBe(401);
    expect(((await revoked.json()) as { message: string }).message).toContain('revoked');

    const out = await fetch(`${api.url}/v1/session`, { method: 'DELETE', headers: { cookie } });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^strata_session=;.*Max-Age=0/);
  });

  it('treats a malformed session cookie as no session (401, not a server error)', async () => {
    const response = await fetch(`${api.url}/v1/session`, { headers: { cookie: 'strata_session=%E0%A4%A' } });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { code: string }).code).toBe('API_UNAUTHORIZED');
  });

  it('serves the console: immutable compressed assets, uncached index, deep links to index.html', async () => {
    const asset = await fetch(`${api.url}/assets/app-abc123.js`, { headers: { 'accept-encoding': 'gzip' } });
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('content-encoding')).toBe('gzip');
    expect(asset.headers.get('content-type')).toContain('javascript');
    expect(await asset.text()).toBe('console.log("app")');
    const plain = await fetch(`${api.url}/assets/app-abc123.js`, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers.get('content-encoding')).toBeNull();

    const index = await fetch(`${api.url}/`);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(await index.text()).toContain('<title>console</title>');
    const deep = await fetch(`${api.url}/tables/main/sales?version=2`, { headers: { accept: 'text/html' } });
    expect(deep.status).toBe(200);
    expect(await deep.text()).toContain('<title>console</title>');

    // API paths stay API: a JSON 404, not the page.
    const api404 = await fetch(`${api.url}/v1/nope`, {
      headers: { accept: 'text/html', authorization: `Bearer ${api.tokens.admin}` },
    });
    expect(api404.status).toBe(404);
    expect((await fetch(`${api.url}/assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${api.url}/assets/..%2F..%2Fpackage.json`)).status).toBe(404);
  });
});

describe('console on an --insecure-local server', () => {
  it('opens straight in as the local admin, and refuses state changes from another origin', async () => {
    const api = await startTestApi({ seed: false, server: { insecureLocal: true } });
    try {
      const session = await fetch(`${api.url}/v1/session`);
      expect(await session.json()).toMatchObject({
        principal: { name: 'local', role: 'admin' },
        insecureLocal: true,
        csrfToken: null,
      });
      const post = (origin?: string) =>
        fetch(`${api.url}/v1/sql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(origin ? { origin } : {}) },
          body: JSON.stringify({ sql: 'CREATE TABLE t (id BIGINT)' }),
        });
      const evil = await post('https://evil.example');
      expect(evil.status).toBe(403);
      expect(await evil.json()).toMatchObject({ code: 'API_CSRF' });
      expect((await post(api.url)).status).toBeLessThan(300);
    } finally {
      await api.close();
    }
  });
});

describe('console session and logs', () => {
  it('keeps the token and the cookie out of the process and request logs, at debug level too', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger({ level: 'debug', destination });
    const consoleDir = await mkdtemp(join(tmpdir(), 'strata-console-'));
    await writeFile(join(consoleDir, 'index.html'), '<!doctype html><title>console</title>');
    const api = await startTestApi({ seed: false, server: { logger, requestLog: logger, consoleDir } });
    try {
      // The page itself is served once, with no complaint from Fastify about a second send.
      expect(await (await fetch(`${api.url}/`)).text()).toContain('<title>console</title>');
      const signedIn = await fetch(`${api.url}/v1/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: api.tokens.admin }),
      });
      const cookie = signedIn.headers.get('set-cookie')!.split(';')[0]!;
      expect((await fetch(`${api.url}/v1/session`, { headers: { cookie } })).status).toBe(200);
      // A refused state change logs its error: still without the credential.
      expect((await fetch(`${api.url}/v1/admin/tokens`, { method: 'POST', headers: { cookie } })).status).toBe(403);
      expect(lines.join('\n')).toContain('/v1/session');
      const secret = api.tokens.admin.split('_').slice(2).join('_');
      expect(lines.join('\n')).not.toContain(secret);
      expect(lines.join('\n')).not.toContain('FST_ERR_REP_ALREADY_SENT');
    } finally {
      await api.close();
      await rm(consoleDir, { recursive: true, force: true });
    }
  });
});

describe('console session over TLS', () => {
  it('marks the cookie Secure', async () => {
    const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
    const cert = fixture('localhost-cert.pem');
    const api = await startTestApi({ seed: false, server: { tls: { cert, key: fixture('localhost-key.pem') } } });
    try {
      const setCookie = await new Promise<string>((resolve, reject) => {
        const request = https.request(
          `${api.url}/v1/session`,
          { method: 'POST', ca: cert, headers: { 'content-type': 'application/json' } },
          (response) => {
            response.resume();
            resolve(String(response.headers['set-cookie'] ?? ''));
          },
        );
        request.on('error', reject);
        request.end(JSON.stringify({ token: api.tokens.reader }));
      });
      expect(setCookie).toMatch(/^strata_session=.*; HttpOnly; SameSite=Strict; Secure$/);
    } finally {
      await api.close();
    }
  });
});

describe('console not built', () => {
  it('says how to build it at /', async () => {
    const api = await startTestApi({ seed: false, server: { consoleDir: join(tmpdir(), 'strata-no-console-here') } });
    try {
      const response = await fetch(`${api.url}/`);
      expect(response.status).toBe(503);
      expect(await response.text()).toContain('npm run build');
    } finally {
      await api.close();
    }
  });
});
