/**
 * The console's table explorer routes on a real server and real Delta tables: the
 * catalog tree, a table's detail (constraints, sizes), files, diff and skipping, each
 * under grants (a row-filtered reader gets 403 on file facts, a filtered diff, and
 * never sees a table it is not granted) and with bad input (typed 4xx).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './helpers/api-harness.js';

let api: TestApi;
let euReader: string;
let idsOnly: string;
let eventsA: string;

beforeAll(async () => {
  api = await startTestApi();
  // sales: v2 updates id 3 (EU), v3 deletes id 4 (US), v4 inserts id 101 (APAC).
  await api.sql(`UPDATE sales SET amount = 0 WHERE id = 3`);
  await api.sql(`DELETE FROM sales WHERE id = 4`);
  await api.sql(`INSERT INTO sales VALUES (101, 'APAC', 1.0, DATE '2024-02-01')`);
  await api.sql(`CREATE SCHEMA ops`);
  await api.sql(`CREATE TABLE ops.events (id BIGINT NOT NULL, kind VARCHAR, n BIGINT) PARTITIONED BY (kind)`);
  await api.sql(`INSERT INTO ops.events SELECT i, 'a', i FROM range(0, 10) t(i)`);
  await api.sql(`INSERT INTO ops.events SELECT i, 'b', i FROM range(10, 20) t(i)`);
  await api.sql(`INSERT INTO ops.events SELECT i, 'a', i FROM range(100, 110) t(i)`);
  await api.sql(`ALTER TABLE ops.events ADD CONSTRAINT positive CHECK (n >= 0)`);
  await api.sql(`DELETE FROM ops.events WHERE id = 0`);
  euReader = await api.token('reader', [{ table: 'main.sales', rowFilter: `region = 'EU'` }]);
  idsOnly = await api.token('writer', [{ table: 'main.sales', columns: ['id', 'amount'] }]);
  eventsA = await api.token('writer', [{ table: 'ops.events', columns: ['id', 'kind'], rowFilter: `kind = 'a'` }]);
}, 60_000);
afterAll(async () => {
  await api?.close();
});

type Row = Record<string, unknown>;
interface Named {
  name: string;
  kind: string;
}
interface FileEntry {
  path: string;
  size: number;
  rows: number | null;
  kept: boolean;
  reason: Row;
  partitionValues: Record<string, string>;
  stats: { minValues: Row };
  deletionVector: Row | null;
}
/** The bodies of the routes under test, loosely: each test reads the fields it checks. */
interface Body {
  code: string;
  message: string;
  schemas: Array<{ name: string; tables: Named[] }>;
  columns: Named[];
  constraints: Row[];
  history: Row[];
  files: FileEntry[];
  changes: Row[];
  counts: Record<string, number>;
  more: boolean;
  [key: string]: unknown;
}

async function json(path: string, token: string = api.tokens.admin): Promise<{ status: number; body: Body }> {
  const response = await api.fetch(path, { token });
  return { status: response.status, body: await response.json() };
}

describe('GET /v1/catalog', () => {
  it('shows an admin every schema and table with its kind', async () => {
    const { status, body } = await json('/v1/catalog');
    expect(status).toBe(200);
    const tree = body.schemas.map((s) => [s.name, s.tables.map((t) => `${t.name}:${t.kind}`)]);
    expect(tree).toEqual([
      ['main', ['main.customers:managed', 'main.sales:managed']],
      ['ops', ['ops.events:managed']],
    ]);
  });

  it('leaves out what a reader is not granted (tables and the schemas they empty)', async () => {
    const { body } = await json('/v1/catalog', euReader);
    expect(body.schemas.map((s) => [s.name, s.tables.map((t) => t.name)])).toEqual([['main', ['main.sales']]]);
  });
});

describe('GET /v1/tables/{name}', () => {
  it('describes constraints, partitioning and sizes to an unrestricted principal', async () => {
    const { body } = await json('/v1/tables/ops.events');
    expect(body.partitionColumns).toEqual(['kind']);
    expect(body.constraints).toEqual(
      expect.arrayContaining([
        { kind: 'not_null', name: 'NOT NULL id', expression: 'id IS NOT NULL' },
        expect.objectContaining({ kind: 'check', name: 'positive' }),
      ]),
    );
    expect(body.columns[0]).toMatchObject({ name: 'id', nullable: false, comment: null });
    expect(body.numFiles).toBeGreaterThanOrEqual(3);
    expect(body.sizeBytes).toBeGreaterThan(0);
  });

  it('hides counts and sizes from a restricted principal', async () => {
    const { body } = await json('/v1/tables/sales', euReader);
    expect(body.restricted).toEqual({ columns: false, rows: true });
    expect(body).not.toHaveProperty('numFiles');
    expect(body).not.toHaveProperty('sizeBytes');
    expect(body).not.toHaveProperty('numRows');
  });

  it('keeps operation metrics in the history of an unrestricted principal, not of a restricted one', async () => {
    const admin = await json('/v1/tables/sales/history');
    expect(admin.body.history[1]).toMatchObject({ operation: 'DELETE', operationMetrics: expect.any(Object) });
    const reader = await json('/v1/tables/sales/history', euReader);
    expect(Object.keys(reader.body.history[1]!).sort()).toEqual(['operation', 'timestamp', 'version']);
  });
});

describe('GET /v1/tables/{name}/files', () => {
  it('lists the files at a version with sizes, rows, partition values and stats', async () => {
    const { status, body } = await json('/v1/tables/ops.events/files?version=2');
    expect(status).toBe(200);
    expect(body).toMatchObject({ table: 'ops.events', version: 2, totalFiles: 2, offset: 0 });
    const files = body.files;
    expect(files.map((f) => f.partitionValues.kind).sort()).toEqual(['a', 'b']);
    for (const file of files) {
      expect(file.path).toMatch(/^kind=[ab]\/.+\.parquet$/);
      expect(file.size).toBeGreaterThan(0);
      expect(file.rows).toBe(10);
      expect(file.stats.minValues).toHaveProperty('id');
      expect(file.deletionVector).toBeNull();
    }
    expect(body.totalBytes).toBe(files[0]!.size + files[1]!.size);
  });

  it('pages', async () => {
    const { body } = await json('/v1/tables/ops.events/files?limit=1&offset=1');
    expect(body.totalFiles).toBe(3);
    expect(body.files).toHaveLength(1);
  });

  it.each([
    ['a row filter', () => euReader],
    ['a column list', () => idsOnly],
  ])('refuses a principal limited by %s (403)', async (_, token) => {
    const { status, body } = await json('/v1/tables/sales/files', token());
    expect(status).toBe(403);
    expect(body.code).toBe('API_FORBIDDEN');
  });

  it('answers a version that does not exist with a typed 404, a bad one with 400', async () => {
    expect((await json('/v1/tables/sales/files?version=99')).body.code).toBe('LAKE_VERSION_NOT_FOUND');
    const bad = await json('/v1/tables/sales/files?version=abc');
    expect([bad.status, bad.body.code]).toEqual([400, 'API_BAD_REQUEST']);
  });
});

describe('GET /v1/tables/{name}/diff', () => {
  it('shows updated, removed and added rows from the change data feed', async () => {
    const { status, body } = await json('/v1/tables/sales/diff?from=1&to=4');
    expect(status).toBe(200);
    expect(body.counts).toEqual({ insert: 1, delete: 1, update_preimage: 1, update_postimage: 1 });
    expect(body.changes.map((c) => [c._commit_version, c.id, c._change_type, c.amount])).toEqual([
      [2, 3, 'update_preimage', 4.5],
      [2, 3, 'update_postimage', 0],
      [3, 4, 'delete', 6],
      [4, 101, 'insert', 1],
    ]);
    expect(body.columns.map((c) => c.name)).toEqual(['id', 'region', 'amount', 'day']);
  });

  it('applies the grant: rows through the row filter, columns of the allow-list', async () => {
    const filtered = await json('/v1/tables/sales/diff?from=1', euReader);
    expect(filtered.body.changes.map((c) => [c.id, c._change_type])).toEqual([
      [3, 'update_preimage'],
      [3, 'update_postimage'],
    ]);
    expect(filtered.body.counts.delete).toBe(0);
    const narrow = await json('/v1/tables/sales/diff?from=2&to=3', idsOnly);
    expect(Object.keys(narrow.body.changes[0]!).sort()).toEqual([
      '_change_type',
      '_commit_timestamp',
      '_commit_version',
      'amount',
      'id',
    ]);
  });

  it('falls back to the set difference of two versions without a feed, labelled, with how to turn it on', async () => {
    const { status, body } = await json('/v1/tables/ops.events/diff?from=3&to=5');
    expect(status).toBe(200);
    expect(body.source).toBe('snapshot-difference');
    expect(body.note).toContain(`'delta.enableChangeDataFeed' = 'true'`);
    expect(body.counts).toEqual({ insert: 0, delete: 1, update_preimage: 0, update_postimage: 0 });
    expect(body.changes).toEqual([{ id: 0, kind: 'a', n: 0, _change_type: 'delete' }]);
    const added = await json('/v1/tables/ops.events/diff?from=1&to=3');
    expect(added.body.counts.insert).toBe(20);
  });

  it('applies the grant to a set difference as to a read', async () => {
    const { body } = await json('/v1/tables/ops.events/diff?from=1&to=5&limit=100', eventsA);
    expect(body.columns.map((c) => c.name)).toEqual(['id', 'kind']);
    // Only kind a: ids 100..109 added, id 0 deleted; kind b's ten inserts are hidden.
    expect(body.counts).toMatchObject({ insert: 10, delete: 1 });
    expect(body.changes.every((c) => c.kind === 'a' && !('n' in c))).toBe(true);
  });

  it('refuses from >= to and versions that do not exist', async () => {
    const backwards = await json('/v1/tables/sales/diff?from=3&to=2');
    expect([backwards.status, backwards.body.code]).toEqual([400, 'API_BAD_REQUEST']);
    const missing = await json('/v1/tables/sales/diff?from=1&to=42');
    expect([missing.status, missing.body.code]).toEqual([404, 'LAKE_VERSION_NOT_FOUND']);
  });

  it('pages', async () => {
    const { body } = await json('/v1/tables/sales/diff?from=1&limit=3');
    expect(body.changes).toHaveLength(3);
    expect(body.more).toBe(true);
  });
});

describe('GET /v1/tables/{name}/skipping', () => {
  it('explains which files a filter skips, by partition value or by stats', async () => {
    const byPartition = await json(`/v1/tables/ops.events/skipping?where=${encodeURIComponent(`kind = 'b'`)}`);
    expect(byPartition.status).toBe(200);
    expect(byPartition.body).toMatchObject({ filesTotal: 3, filesKept: 1, understood: true });
    const skipped = byPartition.body.files.filter((f) => !f.kept);
    expect(skipped).toHaveLength(2);
    for (const file of skipped)
      expect(file.reason).toEqual({
        kind: 'ruled-out',
        by: 'partition',
        evidence: [{ kind: 'partition', column: 'kind', value: 'a' }],
      });

    const byStats = await json(`/v1/tables/ops.events/skipping?where=${encodeURIComponent('id >= 100')}`);
    expect(byStats.body.filesKept).toBe(1);
    const ruled = byStats.body.files.filter((f) => !f.kept).map((f) => f.reason);
    expect(ruled).toContainEqual({
      kind: 'ruled-out',
      by: 'stats',
      evidence: [{ kind: 'stats', column: 'id', min: 10, max: 19, nullCount: 0 }],
    });
    expect(byStats.body.files[0]!.reason).toEqual({ kind: 'may-match' });
  });

  it('keeps every file for a filter skipping cannot use, and refuses bad SQL (400)', async () => {
    const opaque = await json(`/v1/tables/ops.events/skipping?where=${encodeURIComponent('abs(n) = 3')}`);
    expect(opaque.body).toMatchObject({ understood: false, filesKept: 3 });
    const bad = await json(`/v1/tables/ops.events/skipping?where=${encodeURIComponent('id = (')}`);
    expect(bad.status).toBe(400);
  });

  it('refuses a row-filtered reader (403)', async () => {
    const { status } = await json(`/v1/tables/sales/skipping?where=id%3D1`, euReader);
    expect(status).toBe(403);
  });
});

describe('a table the principal is not granted', () => {
  it.each(['', '/files', '/diff?from=0', '/skipping?where=id%3D1', '/history'])(
    'is not found at /v1/tables/ops.events%s',
    async (suffix) => {
      const { status, body } = await json(`/v1/tables/ops.events${suffix}`, euReader);
      expect([status, body.code]).toEqual([404, 'CATALOG_TABLE_NOT_FOUND']);
    },
  );
});

describe('GET /v1/tables/{name}/rows at a version or a time', () => {
  const ids = async (query: string, token?: string) => {
    const response = await api.fetch(`/v1/tables/sales/rows?select=id&order=id&id=in.(3,4)&${query}`, { token });
    return { status: response.status, body: (await response.json()) as unknown };
  };

  it('reads the rows of an old version by at_version or at_timestamp', async () => {
    expect((await ids('at_version=2')).body).toEqual([{ id: 3 }, { id: 4 }]);
    expect((await ids('')).body).toEqual([{ id: 3 }]);
    const { body } = await json('/v1/tables/sales/history');
    const second = String(body.history.find((h) => h.version === 2)!.timestamp);
    // The last version committed at or before that instant (commits in one millisecond share it).
    const version = Math.max(
      ...body.history.filter((h) => String(h.timestamp) <= second).map((h) => Number(h.version)),
    );
    expect((await ids(`at_timestamp=${encodeURIComponent(second)}`)).body).toEqual(
      (await ids(`at_version=${version}`)).body,
    );
    expect((await ids('at_timestamp=2000-01-01')).status).toBe(404);
  });

  it('keeps the grant at an old version, and refuses both parameters at once', async () => {
    expect((await ids('at_version=2', euReader)).body).toEqual([{ id: 3 }]);
    const both = await ids('at_version=1&at_timestamp=2024-01-01');
    expect(both.status).toBe(400);
  });
});

describe('OpenAPI', () => {
  it('declares the 200 schema of every explorer route (the console is typed from it)', async () => {
    const spec = (await (await api.fetch('/openapi.json')).json()) as {
      paths: Record<string, { get?: { responses: Record<string, { content?: Record<string, { schema: Row }> }> } }>;
    };
    for (const path of [
      '/v1/catalog',
      '/v1/tables',
      '/v1/tables/{name}',
      '/v1/tables/{name}/history',
      '/v1/tables/{name}/files',
      '/v1/tables/{name}/diff',
      '/v1/tables/{name}/skipping',
    ]) {
      const schema = spec.paths[path]?.get?.responses['200']?.content?.['application/json']?.schema;
      expect(schema?.properties, path).toBeDefined();
    }
  });
});
