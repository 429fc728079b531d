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
});
