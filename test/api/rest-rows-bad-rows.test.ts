/**
 * CSV and NDJSON bodies of POST rows are checked line by line: a bad line is a 422
 * naming it (nothing written), bad_rows=skip leaves it out, bad_rows=quarantine also
 * returns it in the response.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './helpers/api-harness.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
}, 60_000);
afterAll(async () => {
  await api?.close();
});

async function version(): Promise<number> {
  return ((await (await api.fetch('/v1/tables/main.sales')).json()) as { version: number }).version;
}

const post = (query: string, contentType: string, body: string) =>
  api.fetch(`/v1/tables/main.sales/rows${query}`, { method: 'POST', headers: { 'content-type': contentType }, body });

const CSV = 'id,region,amount\n301,EU,1.5\n302,US,1.5,extra\nabc,EU,2\n"304, quoted",EU,3\n305,"APAC, east",4\n';
const NDJSON = '{"id": 311, "region": "EU"}\n{"id": "abc"}\n\n{broken\n{"id": 312, "amount": 2.5}\r\n';

describe('POST rows with CSV and NDJSON bodies', () => {
  it('refuses a body with a bad line with 422 naming the line and column, writing nothing', async () => {
    const before = await version();
    const csv = await post('', 'text/csv', CSV);
    const csvBody = (await csv.json()) as { code: string; message: string; details: Record<string, unknown> };
    expect(csv.status, csvBody.message).toBe(422);
    expect(csvBody.code).toBe('LAKE_BAD_ROWS');
    expect(csvBody.message).toMatch(
      /^\[LAKE_BAD_ROWS\] Line 3 of the body: the line has 4 fields but the header has 3 \(3 bad lines/,
    );
    expect(csvBody.message).toMatch(/bad_rows=skip/);
    expect(csvBody.message).not.toMatch(/strata-api-|\/tmp\//);

    const ndjson = await post('', 'application/x-ndjson', NDJSON);
    const ndBody = (await ndjson.json()) as { message: string; details: Record<string, unknown> };
    expect(ndjson.status).toBe(422);
    expect(ndBody.details).toMatchObject({ line: 2, column: 'id', value: '"abc"', badLines: 2 });
    expect(await version()).toBe(before);
  });

  it('skips bad lines with bad_rows=skip and counts them', async () => {
    const before = await version();
    const csv = await post('?bad_rows=skip', 'text/csv', CSV);
    expect(csv.status).toBe(201);
    expect(await csv.json()).toEqual({
      table: 'main.sales',
      version: before + 1,
      committed: true,
      rows: 2,
      skipped: 3,
    });
    const rows = await (await api.fetch('/v1/tables/main.sales/rows?id=gte.300&id=lt.310&order=id')).json();
    expect(rows).toEqual([
      { id: 301, region: 'EU', amount: 1.5, day: null },
      { id: 305, region: 'APAC, east', amount: 4, day: null },
    ]);
  });

  it('returns the bad lines with bad_rows=quarantine', async () => {
    const before = await version();
    const ndjson = await post('?bad_rows=quarantine', 'application/x-ndjson', NDJSON);
    expect(ndjson.status).toBe(201);
    const body = (await ndjson.json()) as { rows: number; skipped: number; rejected: Array<Record<string, unknown>> };
    expect(body).toMatchObject({ version: before + 1, rows: 2, skipped: 2 });
    expect(body.rejected).toEqual([
      { line: 2, column: 'id', value: '"abc"', reason: 'cannot read "abc" as BIGINT', text: '{"id": "abc"}' },
      expect.objectContaining({ line: 4, reason: expect.stringMatching(/^not valid JSON/), text: '{broken' }),
    ]);
  });

  it('answers 200 and commits nothing when every line is bad', async () => {
    const before = await version();
    const response = await post('?bad_rows=skip', 'text/csv', 'id,region\nx,EU\n');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      table: 'main.sales',
      version: before,
      committed: false,
      rows: 0,
      skipped: 1,
    });
    expect(await version()).toBe(before);
  });

  it('refuses an unknown bad_rows value', async () => {
    expect((await post('?bad_rows=maybe', 'text/csv', 'id\n1\n')).status).toBe(400);
  });
});
