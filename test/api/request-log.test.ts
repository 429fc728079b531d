import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/index.js';
import { startTestApi, type TestApi } from './helpers/api-harness.js';

describe('request log', () => {
  const lines: string[] = [];
  let api: TestApi;

  beforeAll(async () => {
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    api = await startTestApi({ seed: false, server: { logger: createLogger({ level: 'info', destination }) } });
  });
  afterAll(() => api?.close());

  it('logs requests through the core logger without the token from the query string or the header', async () => {
    const response = await api.fetch(`/v1/tables?access_token=${api.tokens.reader}&x=1`, { token: null });
    expect(response.status).toBe(200);
    const header = await api.fetch('/v1/tables');
    expect(header.status).toBe(200);
    const records = lines.map((l) => JSON.parse(l) as { req?: { url?: string }; msg?: string });
    const urls = records.flatMap((r) => (r.req?.url === undefined ? [] : [r.req.url]));
    expect(urls).toContain('/v1/tables?access_token=[REDACTED]&x=1');
    expect(urls).toContain('/v1/tables');
    const text = lines.join('\n');
    expect(text).not.toContain(api.tokens.reader);
    expect(text).not.toContain(api.tokens.admin);
  });

  it('redacts a query token whose key is percent-encoded, which the server still accepts', async () => {
    // The query parser decodes keys, so `access%5Ftoken` authenticates like `access_token`.
    const response = await api.fetch(`/v1/tables?access%5Ftoken=${api.tokens.writer}`, { token: null });
    expect(response.status).toBe(200);
    expect(lines.join('\n')).not.toContain(api.tokens.writer);
  });

  it('keeps a token out of every line, error records included', async () => {
    const secret = api.tokens.reader;
    const before = lines.length;
    await api.fetch(`/v1/no-such-route?access_token=${secret}`, { token: null });
    await api.fetch(`/v1/tables/main.nope?x=${secret}`, { headers: { cookie: `sid=${secret}` } });
    api.server.app.log.error({ err: new Error(`upstream said Bearer ${secret}`), header: secret }, 'failed');
    const text = lines.slice(before).join('\n');
    expect(text).toContain('failed');
    expect(text).not.toContain(secret);
    // The token's id is public (it names the token in `strata token list`) and stays.
    expect(text).toContain(secret.split('_')[1]);
  });
});
