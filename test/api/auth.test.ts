/**
 * Tokens and roles against a real server: no/malformed/unknown/revoked/expired tokens
 * get 401 with the error body; roles limit writes, flow triggers and admin routes
 * (403); secrets are stored only as hashes; `--insecure-local` is explicit and
 * refused off loopback; `strata token create|revoke` work from the command line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiServer, createToken, revokeToken, type AuthTables } from '../../src/api/index.js';
import { strata } from '../cli/run-cli.js';
import { startTestApi, type TestApi } from './helpers/api-harness.js';

describe('API auth', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => api?.close());

  it('refuses requests without a valid token, naming why', async () => {
    const none = await api.fetch('/v1/tables', { token: null });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    expect(await none.json()).toMatchObject({
      code: 'API_UNAUTHORIZED',
      message: expect.stringContaining('strata token create'),
    });

    const malformed = await api.fetch('/v1/tables', { headers: { authorization: 'Basic abc' }, token: null });
    expect(malformed.status).toBe(401);
    const unknown = await api.fetch('/v1/tables', {
      token: 'strata_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    });
    expect(unknown.status).toBe(401);
    // The right id with a wrong secret is as unknown as anything else.
    const forged = api.tokens.reader.slice(0, -3) + (api.tokens.reader.endsWith('AAA') ? 'BBB' : 'AAA');
    expect((await api.fetch('/v1/tables', { token: forged })).status).toBe(401);
  });

  it('stops accepting a token once revoked or expired', async () => {
    const created = await createToken(api.catalog.meta, { name: 'short-lived', role: 'reader' });
    expect((await api.fetch('/v1/tables', { token: created.token })).status).toBe(200);
    await revokeToken(api.catalog.meta, 'short-lived');
    const revoked = await api.fetch('/v1/tables', { token: created.token });
    expect(revoked.status).toBe(401);
    expect(((await revoked.json()) as { message: string }).message).toContain('revoked');

    const expiring = await createToken(api.catalog.meta, { name: 'expiring', role: 'reader', expiresInMs: 1 });
    await new Promise((resolve) => setTimeout(resolve, 10));
    const expired = await api.fetch('/v1/tables', { token: expiring.token });
    expect(expired.status).toBe(401);
    expect(await expired.json()).toMatchObject({ code: 'API_UNAUTHORIZED', details: { token: 'expiring' } });
  });

  it('stores only a hash of each secret', async () => {
    const created = await createToken(api.catalog.meta, { name: 'hashed', role: 'reader' });
    const secret = created.token.split('_').slice(2).join('_');
    const rows = await api.catalog.meta.withTables<AuthTables>().db.selectFrom('api_tokens').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(secret);
    expect(rows.find((r) => r.name === 'hashed')?.secret_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('lets each role do only what it may', async () => {
    const row = JSON.stringify([{ id: 1000, region: 'EU', amount: 1, day: '2024-02-01' }]);
    const post = (token: string) =>
      api.fetch('/v1/tables/main.sales/rows', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: row,
        token,
      });
    const versionBefore = (await api.catalog.openTable('main.sales')).version;
    const byReader = await post(api.tokens.reader);
    expect(byReader.status).toBe(403);
    expect(await byReader.json()).toMatchObject({ code: 'API_FORBIDDEN' });
    expect((await api.catalog.openTable('main.sales')).version).toBe(versionBefore);
    expect((await post(api.tokens.writer)).status).toBeLessThan(300);
    expect((await api.catalog.openTable('main.sales')).version).toBe(versionBefore + 1);

    expect((await api.fetch('/v1/admin/tokens', { token: api.tokens.writer })).status).toBe(403);
    const list = await api.fetch('/v1/admin/tokens', { token: api.tokens.admin });
    expect(list.status).toBe(200);
    expect(JSON.stringify(await list.json())).not.toContain('secret');
  });

  it('creates tokens through the admin routes, for servers that own the database', async () => {
    const created = await api.fetch('/v1/admin/tokens', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'via-api', role: 'reader' }),
    });
    expect(created.status).toBe(201);
    const { token } = (await created.json()) as { token: string };
    expect((await api.fetch('/v1/tables', { token })).status).toBe(200);
    expect((await api.fetch('/v1/admin/tokens/via-api', { method: 'DELETE' })).status).toBe(200);
    expect((await api.fetch('/v1/tables', { token })).status).toBe(401);
  });
});

describe('insecure local mode', () => {
  it('serves tokenless requests as admin only when asked, and never off loopback', async () => {
    const api = await startTestApi({ seed: false, server: { insecureLocal: true } });
    try {
      const response = await api.fetch('/v1/admin/tokens', { token: null });
      expect(response.status).toBe(200);
      await expect(
        ApiServer.start({ catalog: api.catalog, host: '0.0.0.0', port: 0, insecureLocal: true, logLevel: 'silent' }),
      ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('0.0.0.0') });
    } finally {
      await api.close();
    }
  });
});

describe('strata token', () => {
  it('creates a token that works and revokes it', async () => {
    const api = await startTestApi({ seed: false });
    try {
      // The CLI opens the warehouse's database itself, so the server must let go of it first.
      await api.server.close();
      const warehouse = api.warehouse;
      await api.catalog.close();
      const created = await strata(['token', 'create', '--name', 'cli', '--role', 'writer', '--warehouse', warehouse]);
      expect(created.code).toBe(0);
      expect(created.stdout.trim()).toMatch(/^strata_[0-9a-f]{12}_[\w-]{43}$/);
      expect(created.stderr).toContain('not shown again');
      const listed = await strata(['token', 'list', '--warehouse', warehouse]);
      expect(listed.stdout).toMatch(/cli\s+[0-9a-f]{12}\s+writer/);
      const revoked = await strata(['token', 'revoke', 'cli', '--warehouse', warehouse]);
      expect(revoked.code).toBe(0);
      const again = await strata(['token', 'revoke', 'cli', '--warehouse', warehouse]);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('No live token named "cli"');
    } finally {
      await api.close().catch(() => undefined);
    }
  }, 180_000);
});
