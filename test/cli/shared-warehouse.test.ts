/**
 * One embedded warehouse, many terminals: while `strata serve` holds the warehouse's
 * metadata database, the other `strata` commands go through it (src/meta's proxy) and
 * print what they print without it; two commands at once both run.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startStrata, strata, tempDir } from './run-cli.js';

describe('an embedded warehouse used from many processes', { timeout: 300_000 }, () => {
  it('runs sql, token and grant commands through a running `strata serve`, with the same output', async () => {
    const dir = tempDir('strata-shared-');
    expect((await strata(['init', dir])).code).toBe(0);
    const at = { cwd: dir };
    const serve = startStrata(['serve', '--port', '0', '--insecure-local', '--log-level', 'silent'], at);
    let through: Record<'query' | 'tokens' | 'grants', string>;
    try {
      await serve.waitFor('API on http://127.0.0.1:');
      const apiUrl = /API on (http:\/\/127\.0\.0\.1:\d+)/.exec(serve.output.stdout)![1]!;
      const create = await strata(
        ['sql', "CREATE TABLE t (id BIGINT, name VARCHAR); INSERT INTO t VALUES (1, 'a')"],
        at,
      );
      expect(create).toMatchObject({ code: 0, stdout: expect.stringContaining('inserted 1 rows (version 1)') });

      const both = await Promise.all([
        strata(['sql', "INSERT INTO t VALUES (2, 'b')"], at),
        strata(['sql', "INSERT INTO t VALUES (3, 'c')"], at),
      ]);
      for (const run of both)
        expect(run).toMatchObject({ code: 0, stdout: expect.stringContaining('inserted 1 rows') });

      const created = await strata(['token', 'create', '--name', 'ops', '--role', 'reader'], at);
      expect(created.code).toBe(0);
      const granted = await strata(['grant', 'set', 'reader', 't', '--columns', 'id,name', '--where', 'id > 1'], at);
      expect(granted).toMatchObject({ code: 0, stdout: expect.stringMatching(/^granted reader main\.t/) });

      // The server holding the database sees what went through it: the token and its grant.
      const read = await fetch(`${apiUrl}/v1/tables/main.t/rows`, {
        headers: { authorization: `Bearer ${created.stdout.trim()}` },
      });
      expect(read.status).toBe(200);
      expect(JSON.stringify(await read.json())).not.toContain('"a"');

      // A token revoked through the holder stops working in its API (its cache keeps tokens a few seconds).
      expect((await strata(['token', 'revoke', 'ops'], at)).code).toBe(0);
      expect(await statusWithin(`${apiUrl}/v1/tables/main.t/rows`, created.stdout.trim(), 401)).toBe(401);

      through = {
        query: (await strata(['sql', 'SELECT id, name FROM t ORDER BY id'], at)).stdout,
        tokens: (await strata(['token', 'list'], at)).stdout,
        grants: (await strata(['grant', 'list'], at)).stdout,
      };
      expect(through.query).toMatch(/id +name\n.*\n +1 +a\n +2 +b\n +3 +c\n\(3 rows\)/);
      expect(through.tokens).toMatch(/ops .* reader .* revoked/);
      expect(through.grants).toMatch(/reader +main\.t +id, name +id > 1/);

      // The roles own the database: they wait (briefly) for the holder to go, never borrow it.
      const up = await strata(['up', '--no-api'], { ...at, env: { STRATA_META_WAIT_MS: '1500' } });
      expect(up).toMatchObject({ code: 1, stderr: expect.stringContaining('META_LOCKED') });
      expect(up.stderr).toContain(`waiting for the warehouse held by pid ${serve.pid}`);
    } finally {
      expect(await serve.stop('SIGTERM')).toBe(0);
    }
    // Without the holder: the same answers, printed the same way.
    expect((await strata(['sql', 'SELECT id, name FROM t ORDER BY id'], at)).stdout).toBe(through.query);
    expect((await strata(['token', 'list'], at)).stdout).toBe(through.tokens);
    expect((await strata(['grant', 'list'], at)).stdout).toBe(through.grants);
  });

  it('runs `strata sql` while an interactive `strata sql` holds the warehouse', async () => {
    const dir = tempDir('strata-shared-');
    expect((await strata(['init', dir])).code).toBe(0);
    const repl = interactive(['sql', '--interactive'], dir);
    try {
      repl.send('CREATE TABLE r (i INT);\n');
      await repl.waitFor('created table main.r');
      const insert = await strata(['sql', 'INSERT INTO r VALUES (7)'], { cwd: dir });
      expect(insert).toMatchObject({ code: 0, stdout: expect.stringContaining('inserted 1 rows') });
      repl.send('SELECT i FROM r;\n');
      await repl.waitFor('(1 row)');
      expect(repl.stdout()).toMatch(/i\n.*\n7\n\(1 row\)/);
    } finally {
      repl.send('\\q\n');
      expect(await repl.exited).toBe(0);
    }
  });

  it('runs two `strata sql` at once without a server: the second goes through the first or waits for it', async () => {
    const dir = tempDir('strata-shared-');
    expect((await strata(['init', dir])).code).toBe(0);
    const at = { cwd: dir };
    expect((await strata(['sql', 'CREATE TABLE n (i INT)'], at)).code).toBe(0);
    const runs = await Promise.all(
      [1, 2, 3].map((i) => strata(['sql', `INSERT INTO n VALUES (${i}); SELECT count(*) AS c FROM n`], at)),
    );
    for (const run of runs)
      expect(run, run.stderr).toMatchObject({ code: 0, stdout: expect.stringContaining('inserted 1 rows') });
    expect((await strata(['sql', 'SELECT sum(i) AS s FROM n'], at)).stdout).toMatch(/s\n.*\n6\n/);
  });
});

/** Polls until `url` answers `status` for `token` (at most 60 s), returning the last status. */
async function statusWithin(url: string, token: string, status: number): Promise<number> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const answer = (await fetch(url, { headers: { authorization: `Bearer ${token}` } })).status;
    if (answer === status || Date.now() > deadline) return answer;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** `strata` with a standard input to write to (the interactive shell). */
function interactive(args: readonly string[], cwd: string) {
  const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const child = spawn(process.execPath, ['--import', tsx, main, ...args], {
    cwd,
    env: { ...process.env, HOME: cwd },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    exited,
    stdout: () => stdout,
    send: (text: string) => child.stdin.write(text),
    async waitFor(text: string) {
      const deadline = Date.now() + 60_000;
      while (!stdout.includes(text)) {
        if (child.exitCode !== null || Date.now() > deadline)
          throw new Error(`never printed "${text}"; stdout: ${stdout}\nstderr: ${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
  };
}
