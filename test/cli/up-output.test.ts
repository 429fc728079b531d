/**
 * `strata up` in a terminal: its own lines on stdout, and no record per HTTP request on
 * either stream at the default log level; `--request-log FILE` appends them to a file.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { startStrata, strata, tempDir } from './run-cli.js';

describe('strata up output', { timeout: 180_000 }, () => {
  const warehouse = tempDir('strata-up-output-');
  const at = { cwd: warehouse };

  beforeAll(async () => {
    expect((await strata(['init', '.'], at)).code).toBe(0);
  }, 120_000);

  it('keeps request records out of the terminal and writes them to --request-log', async () => {
    const log = path.join(warehouse, 'requests.jsonl');
    const up = startStrata(['up', '--port', '0', '--insecure-local', '--request-log', log], at);
    try {
      await up.waitFor('API on http://127.0.0.1:');
      await up.waitFor('request log: ');
      const apiUrl = /API on (http:\/\/127\.0\.0\.1:\d+)/.exec(up.output.stdout)![1]!;
      expect((await fetch(`${apiUrl}/v1/flows`)).status).toBe(200);
      // A token that is not one is refused, and still kept out of the log.
      expect((await fetch(`${apiUrl}/v1/tables?access_token=secret-value`)).status).toBe(401);
    } finally {
      expect(await up.stop('SIGTERM')).toBe(0);
    }
    const terminal = `${up.output.stdout}\n${up.output.stderr}`;
    expect(terminal).not.toContain('/v1/flows');
    expect(terminal).not.toContain('request completed');
    expect(readFileSync(log, 'utf8')).not.toContain('secret-value');
    const records = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { msg: string; req: { url: string }; res: { statusCode: number } });
    expect(records.map((r) => [r.msg, r.req.url, r.res.statusCode])).toEqual([
      ['request completed', '/v1/flows', 200],
      ['request completed', '/v1/tables?access_token=[REDACTED]', 401],
    ]);
  });

  it('refuses a request log it cannot write, naming the flag', async () => {
    const run = await strata(
      ['serve', '--port', '0', '--insecure-local', '--request-log', '/nonexistent/dir/r.log'],
      at,
    );
    expect(run).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('--request-log /nonexistent/dir/r.log: cannot write there'),
    });
  });
});
