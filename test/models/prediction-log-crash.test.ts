/**
 * The prediction log's stated loss window, tested by killing a real server process:
 * with batches of FLUSH_ROWS rows (and an interval that never fires), after N single-row
 * predictions the table holds the floor(N / FLUSH_ROWS) committed batches; SIGKILL then
 * loses exactly the N mod FLUSH_ROWS buffered rows (fewer than FLUSH_ROWS, the window
 * prediction-log.ts states) and never part of a batch. Every row that is in the table is
 * one that was served, with the prediction the client got.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { DeltaTable } from '../../src/lake/index.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const FLUSH_ROWS = 10;
const N = 27;

function startServer(warehouse: string): Promise<{ child: ChildProcess; url: string; token: string; log: string }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(HERE, 'helpers', 'predict-server-process.ts'),
      JSON.stringify({ warehouse, flushRows: FLUSH_ROWS }),
    ],
    { cwd: path.resolve(HERE, '../..'), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (line !== undefined && stdout.includes('\n'))
        resolve({ child, ...(JSON.parse(line) as { url: string; token: string; log: string }) });
    });
    child.on('exit', (code) => reject(new Error(`server process exited with ${code}: ${stderr}`)));
  });
}

const warehouse = mkdtempSync(path.join(tmpdir(), 'strata-predict-crash-'));
let child: ChildProcess | undefined;
afterAll(() => {
  child?.kill('SIGKILL');
  rmSync(warehouse, { recursive: true, force: true });
});

it('loses at most the unflushed batch when the server is killed', async () => {
  const server = await startServer(warehouse);
  child = server.child;
  const served = new Map<string, number>();
  for (let i = 0; i < N; i++) {
    const response = await fetch(`${server.url}/v1/models/crash/predict`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ rows: [{ x1: i / N, x2: 0.5, x3: 0.1 }], requestId: `r${i}` }),
    });
    expect(response.status).toBe(200);
    served.set(`r${i}`, ((await response.json()) as { predictions: number[] }).predictions[0]!);
  }
  const committed = Math.floor(N / FLUSH_ROWS) * FLUSH_ROWS;
  const count = async () =>
    (await DeltaTable.exists(server.log)) ? (await (await DeltaTable.open(server.log)).rows()).length : 0;
  // Commits run off the request path: wait until the full batches are in, then kill at once.
  for (let wait = 0; wait < 400 && (await count()) < committed; wait++) await new Promise((r) => setTimeout(r, 25));
  server.child.kill('SIGKILL');
  await new Promise((resolve) => server.child.once('exit', resolve));
  const rows = await (await DeltaTable.open(server.log)).rows();
  expect(rows).toHaveLength(committed);
  expect(N - rows.length).toBeLessThan(FLUSH_ROWS);
  for (const row of rows) expect(row.prediction).toBe(served.get(String(row.request_id)));
  // The oldest predictions are the ones kept: batches commit in order.
  expect(rows.map((r) => String(r.request_id)).sort()).toEqual(
    Array.from({ length: committed }, (_, i) => `r${i}`).sort(),
  );
});
