/**
 * Random requests at every route of the OpenAPI document (and GraphQL and the SQL
 * route): random path parameters, PostgREST-like query strings built from the filter
 * grammar's own pieces plus garbage, random bodies and content types, every role.
 * Whatever comes back must be a 2xx/3xx or a 4xx with the `{code, message, details}`
 * body — never a 5xx — and the server must stay up. A request refused with 4xx must
 * leave every table at its version (nothing partially written). `npm test` uses a fixed
 * seed, so CI is repeatable; STRATA_FUZZ_SEED=<n> runs (or replays) another sequence,
 * STRATA_FUZZ_SEED=random a fresh one (the seed is printed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom, seedFrom } from '../support/random.js';
import { startTestApi, type TestApi } from './helpers/api-harness.js';

const SEED =
  process.env.STRATA_FUZZ_SEED === 'random'
    ? seedFrom('')
    : process.env.STRATA_FUZZ_SEED
      ? seedFrom('STRATA_FUZZ_SEED')
      : 20_261_124;
const REQUESTS = 600;

const COLUMNS = [
  'id',
  'region',
  'amount',
  'day',
  'name',
  'country',
  'nope',
  'select',
  'or',
  'and',
  '',
  '"id"',
  'id;drop',
];
const OPERATORS = [
  'eq',
  'neq',
  'gt',
  'gte',
  'lt',
  'lte',
  'like',
  'ilike',
  'in',
  'is',
  'not.eq',
  'not.in',
  'fts',
  'cs',
  '',
  'eq.eq',
];
const VALUES = [
  '5',
  'abc',
  'EU',
  '(1,2)',
  '(a,"b,c")',
  'null',
  'true',
  '2024-01-03',
  "x'); DROP TABLE sales; --",
  '1e309',
  '-0',
  '%E2%82%AC',
  '*',
  '',
  '((',
  ')',
  '9999999999999999999999',
  "read_csv('/etc/passwd')",
];
const SPECIAL_KEYS = [
  'select',
  'order',
  'limit',
  'offset',
  'after',
  'at_version',
  'or',
  'and',
  'all',
  'max_rows',
  'format',
];
const NAMES = [
  'main.sales',
  'sales',
  'customers',
  'main.customers',
  'nope',
  'main.',
  '..',
  '%00',
  'a'.repeat(300),
  'main.sales;',
  "sales'",
];
const CONTENT_TYPES = [
  'application/json',
  'application/x-ndjson',
  'text/csv',
  'application/vnd.apache.parquet',
  'application/octet-stream',
  'text/plain',
  'application/graphql',
];
const ACCEPTS = [
  'application/json',
  'application/x-ndjson',
  'text/csv',
  'application/vnd.apache.parquet',
  'image/png',
  '*/*',
  'text/event-stream',
];

describe('API fuzz', () => {
  let api: TestApi;
  let routes: { method: string; path: string }[];
  const random = seededRandom(SEED);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

  beforeAll(async () => {
    api = await startTestApi();
    const document = (await (await fetch(`${api.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    routes = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => ({ method: method.toUpperCase(), path })),
    );
    routes.push({ method: 'POST', path: '/graphql' }, { method: 'GET', path: '/graphql' });
    // Streams never end on their own: they are covered by their own tests.
    routes = routes.filter((r) => !r.path.startsWith('/v1/streams'));
    console.log(`fuzz seed ${SEED} over ${routes.length} routes`);
  });
  afterAll(async () => api?.close());

  function value(): string {
    return random() < 0.85
      ? pick(VALUES)
      : String.fromCharCode(
          ...Array.from({ length: 1 + Math.floor(random() * 8) }, () => Math.floor(random() * 0x2fff)),
        );
  }

  function queryString(): string {
    const params = new URLSearchParams();
    const count = Math.floor(random() * 5);
    for (let i = 0; i < count; i++) {
      const roll = random();
      if (roll < 0.45) params.append(pick(COLUMNS), `${pick(OPERATORS)}.${value()}`);
      else if (roll < 0.6)
        params.append(
          pick(['or', 'and']),
          `(${pick(COLUMNS)}.${pick(OPERATORS)}.${value()},${pick(COLUMNS)}.${pick(OPERATORS)}.${value()})`,
        );
      else if (roll < 0.9)
        params.append(
          pick(SPECIAL_KEYS),
          random() < 0.5 ? `${pick(COLUMNS)}${pick(['', '.desc', '.asc.nullsfirst', '.sum()', ',count()'])}` : value(),
        );
      else params.append(value(), value());
    }
    return params.toString();
  }

  function body(contentType: string): string | Buffer | undefined {
    const roll = random();
    if (roll < 0.15) return undefined;
    if (roll < 0.3)
      return Buffer.from(Array.from({ length: Math.floor(random() * 64) }, () => Math.floor(random() * 256)));
    if (contentType === 'application/x-ndjson')
      return Array.from({ length: 3 }, () => JSON.stringify({ id: pick([1, 'x', null, 1.5]), region: value() })).join(
        '\n',
      );
    const candidates: unknown[] = [
      [
        { id: 7000 + Math.floor(random() * 1000), region: 'EU', amount: 1.5, day: '2024-01-01' },
        { id: 'not a number', region: 3 },
      ],
      [{ nope: 1 }],
      {
        sql: pick([
          'SELECT 1',
          'SELECT * FROM sales',
          "SELECT * FROM read_csv('/etc/passwd')",
          'DELETE FROM sales',
          "ATTACH 'x.db'",
          value(),
        ]),
      },
      {
        query: pick([
          '{ sales { id } }',
          '{ sales(where: {id: {_eq: "x"}}) { id } }',
          'mutation { delete_sales(where: {}) { affected_rows } }',
          '{',
          value(),
        ]),
      },
      { params: { n: value() } },
      { set: { amount: value() } },
      { from: value(), to: value(), dryRun: random() < 0.5 },
      value(),
      null,
      [],
    ];
    return JSON.stringify(pick(candidates));
  }

  function concretePath(template: string): string {
    return template.replace(/\{(\w+)\}/g, (_m, name: string) => {
      if (name === 'name' || name === 'table') return encodeURIComponent(pick(NAMES));
      if (name === 'runId') return pick(['1', '0', '-1', 'abc', '99999999999']);
      if (name === 'role') return pick(['reader', 'writer', 'admin', 'x']);
      return encodeURIComponent(value());
    });
  }

  async function versions(): Promise<Record<string, number>> {
    const tables = await api.catalog.listTables();
    return Object.fromEntries(
      await Promise.all(tables.map(async (t) => [t.name, (await api.catalog.openTable(t.name)).version] as const)),
    );
  }

  it('answers every random request with a 2xx/3xx or a typed 4xx, writing nothing on refusal', async () => {
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    for (let i = 0; i < REQUESTS; i++) {
      const route = pick(routes);
      const contentType = pick(CONTENT_TYPES);
      const payload = route.method === 'GET' || route.method === 'HEAD' ? undefined : body(contentType);
      const query = queryString();
      const url = `${concretePath(route.path)}${query === '' ? '' : `?${query}`}`;
      const token = pick([api.tokens.admin, api.tokens.writer, api.tokens.reader]);
      const before = await versions();
      const pending = setTimeout(
        () =>
          console.log(
            `still waiting after 10 s: #${i} ${route.method} ${url} (${contentType}) ${String(payload).slice(0, 200)}`,
          ),
        10_000,
      );
      const response = await api.fetch(url, {
        method: route.method,
        token,
        headers: { accept: pick(ACCEPTS), ...(payload === undefined ? {} : { 'content-type': contentType }) },
        ...(payload === undefined ? {} : { body: payload as BodyInit }),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await response.text();
      clearTimeout(pending);
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      const what = `#${i} ${route.method} ${url} → ${response.status} ${text.slice(0, 300)}`;
      if (response.status >= 500) failures.push(what);
      if (response.status >= 400 && route.path !== '/graphql') {
        let parsed: { code?: unknown; message?: unknown; details?: unknown } = {};
        try {
          parsed = JSON.parse(text) as typeof parsed;
        } catch {
          failures.push(`${what} (error body is not JSON)`);
        }
        if (typeof parsed.code !== 'string' || typeof parsed.message !== 'string' || typeof parsed.details !== 'object')
          failures.push(`${what} (error body lacks code/message/details)`);
        const after = await versions();
        if (JSON.stringify(after) !== JSON.stringify(before))
          failures.push(`${what} (refused, yet tables changed: ${JSON.stringify(before)} → ${JSON.stringify(after)})`);
      }
    }
    console.log(`statuses: ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`);
    expect(failures, `seed ${SEED}`).toEqual([]);
    // The generator must reach past the validators sometimes, or the test proves little.
    expect([...statuses.keys()].some((status) => status < 300)).toBe(true);
    expect((await fetch(`${api.url}/health`)).status).toBe(200);
  }, 600_000);
});
