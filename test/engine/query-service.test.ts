/**
 * The engine's QueryService over real lake tables: grants (column allow-lists, row
 * filters, ungranted tables as missing), plan() naming the same table states run()
 * reads, the row limit and truncation, the time limit interrupting a slow query,
 * streams released on early close, execute()'s role rules for writes, and structured
 * table queries under a grant (runTableQuery).
 */
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { DuckDBConnection } from '@duckdb/node-api';
import {
  ApiRole,
  Catalog,
  ForbiddenError,
  LOCAL_ADMIN,
  initWarehouse,
  type Principal,
  type TableGrant,
} from '../../src/catalog/index.js';
import {
  QueryTimeoutError,
  SandboxedQueryService,
  SandboxViolationError,
  SqlExecutionError,
  SqlSession,
  UnknownColumnError,
  sqlValue,
  tableColumn,
  tableFrom,
  tableQuery,
  type TableQuery,
  type WhereNode,
} from '../../src/engine/index.js';
import { describeBackends, type BackendSetup } from '../meta/helpers/backends.js';

const principal = (role: Principal['role'], grants: TableGrant[] | null): Principal => ({
  tokenId: `t-${role}`,
  name: `${role}-token`,
  role,
  grants: grants === null ? null : new Map(grants.map((g) => [g.table, g])),
});

describeBackends(
  'QueryService',
  (backend) => {
    let setup: BackendSetup;
    let catalog: Catalog;
    let service: SandboxedQueryService;

    beforeAll(async () => {
      setup = await backend.create();
      await initWarehouse(setup.warehouse, { env: setup.env });
      catalog = await Catalog.open({ warehouse: setup.warehouse, env: setup.env });
      const session = new SqlSession(catalog);
      await session.execute(
        `CREATE TABLE sales AS SELECT range AS id, CASE WHEN range < 6 THEN 'eu' ELSE 'us' END AS region, range * 10 AS amount, 'secret' || range AS note FROM range(10)`,
      );
      await session.execute(
        `CREATE TABLE regions AS SELECT * FROM (VALUES ('eu', 'Europe'), ('us', 'States')) t(region, label)`,
      );
      await session.execute(`CREATE TABLE big AS SELECT range AS n FROM range(5000)`);
      service = new SandboxedQueryService({ catalog, limits: { maxRows: 100, queryTimeoutMs: 10_000 } });
    }, 60_000);

    afterAll(async () => {
      await service?.close();
      await catalog?.close();
      await setup?.dispose();
    });

    const euReader = principal(ApiRole.reader, [
      { table: 'main.sales', columns: ['id', 'region', 'amount'], rowFilter: `region = 'eu'` },
      { table: 'main.regions', columns: null, rowFilter: null },
    ]);

    const objects = async (who: Principal, sql: string) => {
      const result = await service.run({ principal: who, sql });
      return result.rows.map((row) => Object.fromEntries(result.columns.map((c, i) => [c.name, row[i]])));
    };

    it("applies a grant's column list and row filter to every reference, aliased or not", async () => {
      expect(await objects(euReader, 'SELECT count(*) AS n, sum(amount) AS total FROM sales')).toEqual([
        { n: 6, total: 150 },
      ]);
      expect(await objects(euReader, 'SELECT * FROM sales s WHERE s.id > 3 ORDER BY s.id')).toEqual([
        { id: 4, region: 'eu', amount: 40 },
        { id: 5, region: 'eu', amount: 50 },
      ]);
      expect(
        await objects(
          euReader,
          `SELECT r.label, count(*) AS n FROM main.sales JOIN regions r ON r.region = sales.region GROUP BY 1`,
        ),
      ).toEqual([{ label: 'Europe', n: 6 }]);
      // The AT clause still reaches the scan inside the restriction.
      expect(await objects(euReader, 'SELECT count(*) AS n FROM sales s AT (VERSION => 0)')).toEqual([{ n: 6 }]);
      expect(await objects(principal(ApiRole.reader, null), 'SELECT count(*) AS n FROM sales')).toEqual([{ n: 10 }]);
    });

    // A structured table query: the service applies the grant to the query (applyGrant), once, and compiles it.
    const salesQuery = (parts: Parameters<typeof tableQuery>[1], at?: number) =>
      tableQuery(tableFrom('main.sales', `"main"."sales"${at === undefined ? '' : ` AT (VERSION => ${at})`}`), parts);
    const tableObjects = async (who: Principal, query: TableQuery) => {
      const result = await service.runTableQuery({ principal: who, query });
      return result.rows.map((row) => Object.fromEntries(result.columns.map((c, i) => [c.name, row[i]])));
    };

    it('applies a grant to a structured table query: the row filter ANDed (an OR cannot capture it), columns checked', async () => {
      const select = ['id', 'region'].map((name) => ({ expression: tableColumn(name), alias: null }));
      const anyRow: WhereNode = {
        kind: 'or',
        items: [
          { kind: 'comparison', left: tableColumn('id'), op: '>=', right: sqlValue(4) },
          { kind: 'constant', value: true },
        ],
      };
      const orderBy = [{ expression: tableColumn('id'), direction: 'desc' as const, nulls: null }];
      expect(await tableObjects(euReader, salesQuery({ select, where: anyRow, orderBy, limit: 2 }))).toEqual([
        { id: 5, region: 'eu' },
        { id: 4, region: 'eu' },
      ]);
      // Grouped inside a subquery, pinned to a version: the filter reaches the scan before grouping.
      const grouped = tableQuery(
        {
          kind: 'subquery',
          alias: 'q',
          query: salesQuery(
            {
              select: [
                { expression: tableColumn('region'), alias: null },
                { expression: { kind: 'aggregate', fn: 'count', operand: null }, alias: 'n' },
              ],
              groupBy: [tableColumn('region')],
            },
            0,
          ),
        },
        {},
      );
      expect(await tableObjects(euReader, grouped)).toEqual([{ region: 'eu', n: 6 }]);
      expect(await tableObjects(principal(ApiRole.reader, null), grouped)).toHaveLength(2);
      await expect(
        service.runTableQuery({
          principal: euReader,
          query: salesQuery({ select: [{ expression: tableColumn('note'), alias: null }] }),
        }),
      ).rejects.toBeInstanceOf(UnknownColumnError);
      const hidden = { principal: principal(ApiRole.reader, []), query: salesQuery({}) };
      await expect(service.runTableQuery(hidden)).rejects.toMatchObject({ code: 'CATALOG_TABLE_NOT_FOUND' });
    });

    it('fails a column outside the allow-list as an unknown column, with a typed error', async () => {
      const error = await service.run({ principal: euReader, sql: 'SELECT note FROM sales' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SqlExecutionError);
      expect((error as Error).message).toMatch(/note/);
    });

    it('treats an ungranted table as missing, naming no other table', async () => {
      const error = await service.run({ principal: euReader, sql: 'SELECT * FROM big' }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'CATALOG_TABLE_NOT_FOUND', details: { suggestions: [] } });
      await expect(service.plan(euReader, 'SELECT * FROM big')).rejects.toMatchObject({
        code: 'CATALOG_TABLE_NOT_FOUND',
      });
    });

    it('refuses the change feed of a restricted table', async () => {
      await expect(
        service.run({ principal: euReader, sql: `SELECT * FROM table_changes('sales', 0)` }),
      ).rejects.toBeInstanceOf(SandboxViolationError);
    });

    it('plans the table states run reads, without running', async () => {
      const sql = 'SELECT count(*) FROM sales s JOIN regions r ON r.region = s.region';
      const planned = await service.plan(euReader, sql);
      expect(planned.map((t) => [t.name, t.version])).toEqual([
        ['main.regions', 0],
        ['main.sales', 0],
      ]);
      expect((await service.run({ principal: euReader, sql })).tables).toEqual(planned);
      expect((await service.plan(LOCAL_ADMIN, 'SELECT 1 FROM big AT (VERSION => 0)')).map((t) => t.version)).toEqual([
        0,
      ]);
    });

    it('cuts results at the row limit and says so', async () => {
      const cut = await service.run({ principal: LOCAL_ADMIN, sql: 'SELECT n FROM big ORDER BY n' });
      expect(cut).toMatchObject({ rowCount: 100, truncated: true });
      expect(cut.rows[99]).toEqual([99]);
      expect(await service.run({ principal: LOCAL_ADMIN, sql: 'SELECT n FROM big LIMIT 100' })).toMatchObject({
        rowCount: 100,
        truncated: false,
      });
      expect(await service.run({ principal: LOCAL_ADMIN, sql: 'SELECT n FROM big', maxRows: 3 })).toMatchObject({
        rowCount: 3,
        truncated: true,
      });
      // A request cannot raise the server's limit.
      expect((await service.run({ principal: LOCAL_ADMIN, sql: 'SELECT n FROM big', maxRows: 10_000 })).rowCount).toBe(
        100,
      );
    });

    it('interrupts a query past its time limit', async () => {
      const started = Date.now();
      const error = await service
        .run({
          principal: LOCAL_ADMIN,
          sql: 'SELECT count(*) FROM range(100000000) a, range(100000) b WHERE a.range + b.range = 7',
          timeoutMs: 300,
        })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(QueryTimeoutError);
      expect((error as QueryTimeoutError).code).toBe('API_QUERY_TIMEOUT');
      expect(Date.now() - started).toBeLessThan(8_000);
      // The sandbox is still usable afterwards.
      expect(await objects(LOCAL_ADMIN, 'SELECT count(*) AS n FROM big')).toEqual([{ n: 5000 }]);
    });

    it('streams in batches and releases the connection on early break and on close', async () => {
      const closes = vi.spyOn(DuckDBConnection.prototype, 'closeSync');
      try {
        const stream = await service.stream({ principal: LOCAL_ADMIN, sql: 'SELECT n FROM big', maxRows: 100 });
        expect(stream.columns).toEqual([{ name: 'n', type: 'BIGINT' }]);
        expect(stream.tables.map((t) => t.name)).toEqual(['main.big']);
        const before = closes.mock.calls.length;
        for await (const batch of stream) {
          expect(batch.length).toBeGreaterThan(0);
          break;
        }
        expect(closes.mock.calls.length).toBe(before + 1);
        await stream.close();
        expect(closes.mock.calls.length).toBe(before + 1);
        const unread = await service.stream({ principal: LOCAL_ADMIN, sql: 'SELECT n FROM big' });
        await unread.close();
        expect(closes.mock.calls.length).toBe(before + 2);
      } finally {
        closes.mockRestore();
      }
    });

    it('lets writers write and admins change tables; readers neither', async () => {
      const reader = principal(ApiRole.reader, null);
      const writer = principal(ApiRole.writer, null);
      await expect(service.execute(reader, `INSERT INTO big VALUES (-1)`)).rejects.toBeInstanceOf(ForbiddenError);
      await expect(service.execute(writer, `CREATE TABLE nope (x INT)`)).rejects.toBeInstanceOf(ForbiddenError);
      await expect(service.execute(writer, `OPTIMIZE big`)).rejects.toBeInstanceOf(ForbiddenError);
      expect(await service.execute(writer, `INSERT INTO big SELECT -n FROM big WHERE n BETWEEN 1 AND 3`)).toMatchObject(
        { message: 'inserted 3 rows' },
      );
      expect(
        await service.execute(writer, `DELETE FROM big WHERE n IN (SELECT -id FROM sales WHERE id < 3)`),
      ).toMatchObject({ message: 'deleted 3 rows' });
      expect(await service.execute(writer, `UPDATE big SET n = n - 1000 WHERE n = -3`)).toMatchObject({
        message: 'updated 1 rows',
      });
      expect(await service.execute(LOCAL_ADMIN, `CREATE TABLE copied AS SELECT n FROM big WHERE n < 0`)).toMatchObject({
        statement: 'createTable',
      });
      expect(await objects(LOCAL_ADMIN, 'SELECT n FROM copied')).toEqual([{ n: -1003 }]);
      // Queries through execute are reads, for readers too, still sandboxed.
      expect(await service.execute(reader, 'SELECT count(*) AS n FROM copied')).toMatchObject({ rows: [[1]] });
    });

    it('keeps write expressions in the sandbox too', async () => {
      const writer = principal(ApiRole.writer, null);
      await expect(
        service.execute(writer, `INSERT INTO big SELECT 1 FROM read_csv('/etc/passwd')`),
      ).rejects.toBeInstanceOf(SandboxViolationError);
      await expect(
        service.execute(writer, `DELETE FROM big WHERE n IN (SELECT 1 FROM glob('/etc/*'))`),
      ).rejects.toBeInstanceOf(SandboxViolationError);
      await expect(
        service.execute(LOCAL_ADMIN, `CREATE TABLE leak AS SELECT * FROM read_text('/etc/hostname')`),
      ).rejects.toBeInstanceOf(SandboxViolationError);
      await expect(service.execute(writer, `COPY (SELECT 1) TO '/tmp/x.csv'`)).rejects.toBeInstanceOf(
        SandboxViolationError,
      );
    });

    it('limits writers with grants to granted, unrestricted tables', async () => {
      const limited = principal(ApiRole.writer, [
        { table: 'main.big', columns: null, rowFilter: null },
        { table: 'main.sales', columns: null, rowFilter: `region = 'eu'` },
      ]);
      await expect(service.execute(limited, `INSERT INTO regions VALUES ('x', 'y')`)).rejects.toMatchObject({
        code: 'CATALOG_TABLE_NOT_FOUND',
      });
      await expect(service.execute(limited, `DELETE FROM sales`)).rejects.toBeInstanceOf(ForbiddenError);
      // A restricted table read in a write's subquery shows its allowed rows only.
      expect(await service.execute(limited, `INSERT INTO big SELECT 100000 + count(*) FROM sales`)).toMatchObject({
        message: 'inserted 1 rows',
      });
      expect(await objects(LOCAL_ADMIN, 'SELECT n FROM big WHERE n >= 100000')).toEqual([{ n: 100006 }]);
    });
  },
  'pglite',
);
