import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, type LogLevel } from '../../src/core/index.js';
import { startTestApi, type TestApi } from './helpers/api-harness.js';

/** A logger at `level` whose lines are pushed to `lines`. */
function capture(lines: string[], level: LogLevel) {
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return createLogger({ level, destination });
}

const urlsOf = (lines: readonly string[]) =>
  lines
    .map((l) => JSON.parse(l) as { req?: { url?: string }; msg?: string })
    .flatMap((r) => (r.req?.url === undefined ? [] : [r.req.url]));

describe('request log', () => {
  const processLines: string[] = [];
  const requestLines: string[] = [];
  let api: TestApi;
  let debugApi: TestApi;
  const debugLines: string[] = [];

  beforeAll(async () => {
    api = await startTestApi({
      seed: false,
      server: { logger: capture(processLines, 'info'), requestLog: capture(requestLines, 'info') },
    });
    debugApi = await startTestApi({ seed: false, server: { logger: capture(debugLines, 'debug') } });
  });
  afterAll(async () => {
    await api?.close();
    await debugApi?.close();
  });

  it('writes requests to the request log without the token from the query string or the header', async () => {
    const response = await api.fetch(`/v1/tables?access_token=${api.tokens.reader}&x=1`, { token: null });
    expect(response.status).toBe(200);
    const header = await api.fetch('/v1/tables');
    expect(header.status).toBe(200);
    const urls = urlsOf(requestLines);
    expect(urls).toContain('/v1/tables?access_token=[REDACTED]&x=1');
    expect(urls).toContain('/v1/tables');
    expect(requestLines.map((l) => (JSON.parse(l) as { res?: { statusCode?: number } }).res?.statusCode)).toContain(
      200,
    );
    const text = requestLines.join('\n');
    expect(text).not.toContain(api.tokens.reader);
    expect(text).not.toContain(api.tokens.admin);
    // The process's own log (what `strata up` shows in its terminal) has no record per request.
    expect(processLines.join('\n')).not.toContain('/v1/tables');
  });

  it('without a request log, writes requests to the process log at debug level only', async () => {
    expect((await debugApi.fetch(`/v1/tables?access_token=${debugApi.tokens.reader}`, { token: null })).status).toBe(
      200,
    );
    expect(urlsOf(debugLines)).toContain('/v1/tables?access_token=[REDACTED]');
    expect(debugLines.join('\n')).not.toContain(debugApi.tokens.reader);
    const records = debugLines.map((l) => JSON.parse(l) as { level: number; msg?: string });
    expect(records.filter((r) => r.msg === 'request completed').every((r) => r.level === 20)).toBe(true);
  });

  it('redacts a query token whose key is percent-encoded, which the server still accepts', async () => {
    // The query parser decodes keys, so `access%5Ftoken` authenticates like `access_token`.
    const response = await api.fetch(`/v1/tables?access%5Ftoken=${api.tokens.writer}`, { token: null });
    expect(response.status).toBe(200);
    expect([...requestLines, ...processLines].join('\n')).not.toContain(api.tokens.writer);
  });

  it('keeps a token out of every line, error records included', async () => {
    const secret = api.tokens.reader;
    const before = { request: requestLines.length, process: processLines.length };
    await api.fetch(`/v1/no-such-route?access_token=${secret}`, { token: null });
    await api.fetch(`/v1/tables/main.nope?x=${secret}`, { headers: { cookie: `sid=${secret}` } });
    api.server.app.log.error({ err: new Error(`upstream said Bearer ${secret}`), header: secret }, 'failed');
    const text = [...requestLines.slice(before.request), ...processLines.slice(before.process)].join('\n');
    expect(text).toContain('failed');
    expect(text).not.toContain(secret);
    // The token's id is public (it names the token in `strata token list`) and stays.
    expect(text).toContain(secret.split('_')[1]);
  });
});
