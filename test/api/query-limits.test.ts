/**
 * User queries cannot exhaust the server (issue 10, item 12): a real server with small
 * resource limits gets hostile queries (huge values, huge aggregates, huge lists,
 * huge results, a cross join grouped by every pair) from a reader at the same time as
 * ordinary queries. Every hostile query gets a 4xx with the code of the limit it hit,
 * every ordinary one succeeds, and the process's memory stays far below what the
 * hostile queries would have built. An ordinary query that meets the memory limit
 * because hostile ones fill the shared pool is retried alone (memory-contention.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './helpers/api-harness.js';

const MIB = 1024 * 1024;
let api: TestApi;

beforeAll(async () => {
  api = await startTestApi({
    server: {
      limits: {
        queryMemoryBytes: 128 * MIB,
        querySpillBytes: 256 * MIB,
        queryThreads: 2,
        maxValueBytes: 4 * MIB,
        maxResultBytes: 32 * MIB,
        resultMemoryBytes: 256 * MIB,
        queryTimeoutMs: 60_000,
      },
    },
  });
}, 60_000);
afterAll(async () => {
  await api?.close();
});

async function sql(text: string, accept = 'application/json'): Promise<{ status: number; body: string }> {
  const response = await api.fetch('/v1/sql', {
    token: api.tokens.reader,
    method: 'POST',
    headers: { 'content-type': 'application/json', accept },
    body: JSON.stringify({ sql: text }),
  });
  return { status: response.status, body: await response.text() };
}

// A hostile query is answered by the first limit it meets: one that scans a table needs
// buffer memory too, and while the others fill DuckDB's shared pool that can be the memory limit.
const EITHER_LIMIT = ['ENGINE_VALUE_TOO_LARGE', 'ENGINE_QUERY_MEMORY_LIMIT'] as const;

const HOSTILE: ReadonlyArray<readonly [string, string, number, string | readonly string[]]> = [
  ['a 2 GB string', `SELECT repeat('x', 2000000000) AS v`, 422, 'ENGINE_VALUE_TOO_LARGE'],
  ['a 2 GB string never returned', `SELECT length(repeat('ab', 1000000000)) AS n`, 422, 'ENGINE_VALUE_TOO_LARGE'],
  ['nested repeats', `SELECT repeat(repeat('x', 40000), 50000) AS v`, 422, 'ENGINE_VALUE_TOO_LARGE'],
  ['a repeat count from a table', `SELECT repeat(region, (id * 100000000)::BIGINT) FROM sales`, 422, EITHER_LIMIT],
  ['a huge padding', `SELECT lpad('x', 1500000000, 'y') AS v`, 422, 'ENGINE_VALUE_TOO_LARGE'],
  ['a huge list', `SELECT len(list_resize([1], 500000000)) AS n`, 422, 'ENGINE_VALUE_TOO_LARGE'],
  ['the unguarded built-in', `SELECT system.main.repeat('x', 2000000000) AS v`, 403, 'ENGINE_SANDBOX'],
  [
    'a huge string_agg',
    `SELECT length(string_agg(repeat('x', 1000), ',')) FROM range(3000000)`,
    422,
    'ENGINE_QUERY_MEMORY_LIMIT',
  ],
  ['list building', `SELECT len(list(range)) FROM range(200000000)`, 422, 'ENGINE_QUERY_MEMORY_LIMIT'],
  [
    'a cross join grouped by every pair',
    `SELECT a.range * 100000 + b.range AS k, count(*) AS n FROM range(30000) a, range(30000) b GROUP BY k`,
    422,
    'ENGINE_QUERY_MEMORY_LIMIT',
  ],
  ['a huge result', `SELECT repeat('x', 1000) AS v FROM range(100000)`, 422, 'API_RESULT_TOO_LARGE'],
];

const ORDINARY = [
  `SELECT region, count(*) AS n FROM sales GROUP BY region ORDER BY region`,
  `SELECT s.id, c.name FROM sales s JOIN customers c ON s.id = c.id ORDER BY s.id`,
  `SELECT repeat('ab', 3) AS v, lpad('7', 3, '0') AS p, list_resize([1], 2) AS l`,
  `SELECT count(*) AS n FROM range(1000) a, range(1000) b`,
];

describe('query resource limits', () => {
  it('answers each hostile query with its limit and serves ordinary ones meanwhile, in bounded memory', async () => {
    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    try {
      const hostile = HOSTILE.map(async ([label, text, status, code]) => {
        const response = await sql(text);
        return { label, status: response.status, code: JSON.parse(response.body).code, expected: { status, code } };
      });
      const ordinary = Array.from({ length: 3 }, () =>
        ORDINARY.map(async (text) => {
          const response = await sql(text);
          return { text, status: response.status, body: response.body };
        }),
      ).flat();
      const [bad, good] = await Promise.all([Promise.all(hostile), Promise.all(ordinary)]);
      for (const result of bad) {
        const { status, code } = result.expected;
        expect({ label: result.label, status: result.status }).toEqual({ label: result.label, status });
        expect(typeof code === 'string' ? [code] : code, result.label).toContain(result.code);
      }
      for (const result of good) expect(result, result.body).toMatchObject({ status: 200 });
      expect(JSON.parse(good[2]!.body).rows[0]).toEqual({ v: 'ababab', p: '007', l: [1, null] });
      expect(JSON.parse(good[3]!.body).rows[0]).toEqual({ n: 1_000_000 });
    } finally {
      clearInterval(sampler);
    }
    // The hostile queries would have built gigabytes; the server's memory stayed within its limits and a margin.
    expect(peak).toBeLessThan(1536 * MIB);
  }, 180_000);

  it('runs queries on a DuckDB with the memory, spill and thread limits of the server', async () => {
    const response = await sql(
      `SELECT current_setting('memory_limit') AS m, current_setting('max_temp_directory_size') AS s, current_setting('threads') AS t`,
    );
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body).rows[0]).toEqual({ m: '128.0 MiB', s: '256.0 MiB', t: 2 });
  });

  it('names the limit and its value in the error', async () => {
    const response = await sql(`SELECT repeat('x', 2000000000) AS v`);
    const body = JSON.parse(response.body);
    expect(body.details).toMatchObject({ limit: 'value', function: 'repeat', maxValueBytes: 4 * MIB });
    expect(body.message).toMatch(/--max-value-mb/);
  });

  it('cuts a streamed result at the result limit too', async () => {
    const response = await api.fetch('/v1/sql', {
      token: api.tokens.reader,
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/x-ndjson' },
      body: JSON.stringify({ sql: `SELECT repeat('x', 1000) AS v FROM range(100000)` }),
    });
    // Streamed: the headers went out before the limit was hit, so the stream is cut instead (about 100 MB otherwise).
    expect(response.status).toBe(200);
    let received = 0;
    const reader = response.body!.getReader();
    await expect(
      (async () => {
        for (let part = await reader.read(); !part.done; part = await reader.read()) received += part.value.length;
      })(),
    ).rejects.toThrow();
    expect(received).toBeGreaterThan(0);
    expect(received).toBeLessThan(40 * MIB);
  });
});
