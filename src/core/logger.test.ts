import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, redactQuerySecrets } from './logger.js';

function sink(): { stream: Writable; lines: () => string[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, lines: () => chunks.join('').split('\n').filter(Boolean) };
}

describe('createLogger', () => {
  it('writes JSON records at or above its level', () => {
    const out = sink();
    const logger = createLogger({ level: 'warn', destination: out.stream });
    logger.info('hidden');
    logger.warn({ table: 'main.sales' }, 'slow commit');
    const records = out.lines().map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ level: 40, msg: 'slow commit', table: 'main.sales' });
  });

  it('writes readable lines with --log-format pretty, errors with their message', () => {
    const out = sink();
    const logger = createLogger({ format: 'pretty', destination: out.stream });
    logger.error({ err: new Error('disk full') }, 'flush failed');
    const text = out.lines().join('\n');
    expect(text).toMatch(/ERROR.*flush failed/);
    expect(text).toContain('disk full');
    expect(() => JSON.parse(out.lines()[0]!) as unknown).toThrow();
  });

  it('never writes credentials: authorization headers, tokens, passwords', () => {
    const out = sink();
    const logger = createLogger({ destination: out.stream });
    logger.info(
      { req: { headers: { authorization: 'Bearer strata_secret1', cookie: 'sid=secret2' } }, password: 'secret3' },
      'request',
    );
    const text = out.lines().join('\n');
    expect(text).not.toMatch(/secret\d/);
    expect(text).toContain('[REDACTED]');
  });
});

describe('secrets in any line', () => {
  it('replaces token secrets and bearer credentials in messages and stacks, in both formats', () => {
    const token = `strata_0123456789ab_${'s'.repeat(43)}`;
    for (const format of ['json', 'pretty'] as const) {
      const out = sink();
      const logger = createLogger({ format, destination: out.stream });
      logger.error({ err: new Error(`refused ${token}`), note: 'Bearer abcdefgh12345' }, 'see Bearer <token>');
      const text = out.lines().join('\n');
      expect(text).not.toContain('s'.repeat(43));
      expect(text).not.toContain('abcdefgh12345');
      expect(text).toContain('strata_0123456789ab_[REDACTED]');
      expect(text).toContain('Bearer <token>');
    }
  });
});

describe('redactQuerySecrets', () => {
  it('replaces the values of secret query parameters and keeps the rest', () => {
    expect(redactQuerySecrets('/v1/streams/runs?access_token=strata_abc&last=3')).toBe(
      '/v1/streams/runs?access_token=[REDACTED]&last=3',
    );
    expect(redactQuerySecrets('/x?a=1&TOKEN=t#frag')).toBe('/x?a=1&TOKEN=[REDACTED]#frag');
    expect(redactQuerySecrets('/v1/tables?access=1')).toBe('/v1/tables?access=1');
    expect(redactQuerySecrets('/v1/tables?access%5Ftoken=s&x=1')).toBe('/v1/tables?access%5Ftoken=[REDACTED]&x=1');
    expect(redactQuerySecrets('/v1/tables?pass%77ord=s')).toBe('/v1/tables?pass%77ord=[REDACTED]');
  });
});
