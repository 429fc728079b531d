/**
 * The SQL sandbox end to end through the engine's QueryService: user SQL reads the lake
 * and nothing else. Each refusal is proven with the typed error (ENGINE_SANDBOX, 403),
 * and the DuckDB-level lock is proven on its own (a sandbox connection refuses files,
 * settings and extensions even without the statement check), while lake queries —
 * joins, aggregates, CTEs, time travel, change feeds — still work.
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Catalog, LOCAL_ADMIN, initWarehouse, type Principal } from '../../src/catalog/index.js';
import { SandboxDuckdb, SandboxedQueryService, SandboxViolationError, SqlSession } from '../../src/engine/index.js';
import { describeBackends, tempDir, type BackendSetup } from '../meta/helpers/backends.js';

describeBackends(
  'SQL sandbox',
  (backend) => {
    let setup: BackendSetup;
    let catalog: Catalog;
    let service: SandboxedQueryService;
    const admin: Principal = LOCAL_ADMIN;
    const outside = tempDir('strata-outside-');

    beforeAll(async () => {
      setup = await backend.create();
      await initWarehouse(setup.warehouse, { env: setup.env });
      catalog = await Catalog.open({ warehouse: setup.warehouse, env: setup.env });
      const session = new SqlSession(catalog);
      await session.execute(
        `CREATE TABLE sales AS SELECT range AS id, 'c' || (range % 3) AS customer, range * 10 AS amount FROM range(10)`,
      );
      await session.execute(`ALTER TABLE sales SET TBLPROPERTIES ('delta.enableChangeDataFeed' = 'true')`);
      await session.execute(`INSERT INTO sales VALUES (10, 'c9', 5)`);
      await session.execute(
        `CREATE TABLE customers AS SELECT 'c' || range AS customer, 'name' || range AS name FROM range(3)`,
      );
      await session
        .execute(`COPY (SELECT 1 AS secret) TO '${path.join(outside, 'secret.parquet')}'`)
        .catch(() => undefined);
      writeFileSync(path.join(outside, 'secret.csv'), 'secret\n42\n');
      service = new SandboxedQueryService({ catalog, limits: { maxRows: 1000, queryTimeoutMs: 10_000 } });
    }, 60_000);

    afterAll(async () => {
      await service?.close();
      await catalog?.close();
      await setup?.dispose();
    });

    const rows = async (sql: string) => {
      const result = await service.run({ principal: admin, sql });
      return result.rows.map((row) => Object.fromEntries(result.columns.map((c, i) => [c.name, row[i]])));
    };

    const refusals: ReadonlyArray<readonly [string, string, RegExp]> = [
      [
        'read_csv of /etc/passwd',
        `SELECT * FROM read_csv('/etc/passwd')`,
        /read_csv\(\.\.\.\) is not allowed.*reads files/,
      ],
      [
        'read_parquet outside the lake',
        `SELECT * FROM read_parquet('${path.join(outside, 'secret.parquet')}')`,
        /read_parquet/,
      ],
      ['a file name as a table', `SELECT * FROM '${path.join(outside, 'secret.csv')}'`, /Reading the file/],
      ['read_text', `SELECT * FROM read_text('/etc/hostname')`, /read_text/],
      ['glob', `SELECT * FROM glob('/etc/*')`, /glob/],
      ['query_table', `SELECT * FROM query_table('sales')`, /query_table/],
      ['ATTACH', `ATTACH '${path.join(outside, 'x.db')}' AS x`, /ATTACH is not allowed/],
      ['DETACH', `DETACH x`, /DETACH is not allowed/],
      ['INSTALL', `INSTALL httpfs`, /INSTALL is not allowed.*extensions/],
      ['LOAD', `LOAD httpfs`, /LOAD is not allowed/],
      ['SET', `SET enable_external_access = true`, /SET is not allowed.*locked/],
      ['RESET', `RESET threads`, /RESET is not allowed/],
      ['PRAGMA', `PRAGMA threads = 1`, /PRAGMA is not allowed/],
      ['COPY TO', `COPY (SELECT 1) TO '${path.join(outside, 'out.csv')}'`, /COPY is not allowed/],
      ['COPY FROM', `COPY sales FROM '/etc/passwd'`, /COPY is not allowed/],
      ['EXPORT DATABASE', `EXPORT DATABASE '${outside}'`, /EXPORT is not allowed/],
      ['IMPORT DATABASE', `IMPORT DATABASE '${outside}'`, /IMPORT is not allowed/],
      ['CREATE SECRET', `CREATE SECRET s (TYPE s3, KEY_ID 'a', SECRET 'b')`, /CREATE SECRET is not allowed/],
      ['CALL', `CALL pragma_version()`, /CALL is not allowed/],
      ['delta_scan on a path', `SELECT * FROM delta_scan('/tmp/x')`, /delta_scan\(\.\.\.\) is not allowed/],
      ['delta_scan in unparsable text', `SELECT * FROM delta_scan('/tmp/x') WHERE ((`, /delta_scan/],
      ['table_changes on a path', `SELECT * FROM table_changes('/tmp/x', 0)`, /table_changes\('\/tmp\/x'/],
      ['another database', `SELECT * FROM system.main.duckdb_settings`, /only the lake's catalog tables/],
      ['DESCRIBE', `DESCRIBE sales`, /DESCRIBE, SHOW and SUMMARIZE/],
    ];

    for (const [what, sql, message] of refusals) {
      it(`refuses ${what}`, async () => {
        const error = await service.run({ principal: admin, sql }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(SandboxViolationError);
        expect((error as SandboxViolationError).code).toBe('ENGINE_SANDBOX');
        expect((error as Error).message).toMatch(message);
        // plan() (used for ETags before running) refuses the same way.
        await expect(service.plan(admin, sql)).rejects.toBeInstanceOf(SandboxViolationError);
      });
    }

    it('refuses several statements, and DuckDB system views as unknown tables', async () => {
      await expect(service.run({ principal: admin, sql: 'SELECT 1; SELECT 2' })).rejects.toThrow(
        /one statement at a time/,
      );
      await expect(service.run({ principal: admin, sql: 'SELECT * FROM duckdb_settings' })).rejects.toMatchObject({
        code: 'CATALOG_TABLE_NOT_FOUND',
      });
    });

    it('does not mistake words in strings and comments for refused calls', async () => {
      expect(
        await rows(`SELECT 'read_csv(''/etc/passwd'')' AS s /* ATTACH glob('x') */ -- delta_scan('/tmp')`),
      ).toEqual([{ s: `read_csv('/etc/passwd')` }]);
    });

    it('runs lake queries: joins, aggregates, CTEs, time travel, change feeds', async () => {
      expect(
        await rows(`
      WITH totals AS (SELECT customer, sum(amount) AS total FROM sales GROUP BY customer)
      SELECT c.name, t.total FROM totals t JOIN customers c ON c.customer = t.customer ORDER BY c.name`),
      ).toEqual([
        { name: 'name0', total: 180 },
        { name: 'name1', total: 120 },
        { name: 'name2', total: 150 },
      ]);
      expect(await rows('SELECT count(*) AS n FROM sales AT (VERSION => 1)')).toEqual([{ n: 10 }]);
      expect(await rows('SELECT count(*) AS n FROM main.sales s WHERE s.id >= 5')).toEqual([{ n: 6 }]);
      expect(await rows(`SELECT id, _change_type FROM table_changes('sales', 2)`)).toEqual([
        { id: 10, _change_type: 'insert' },
      ]);
      expect(await rows('SELECT sum(range) AS s FROM range(4)')).toEqual([{ s: 6 }]);
      const result = await service.run({
        principal: admin,
        sql: 'SELECT * FROM sales s JOIN sales AS v AT (VERSION => 0) ON s.id = v.id',
      });
      expect(result.tables.map((t) => [t.name, t.version])).toEqual([
        ['main.sales', 0],
        ['main.sales', 2],
      ]);
    });

    it('holds at the DuckDB level: a sandbox connection refuses files, settings and extensions by itself', async () => {
      const sandbox = await SandboxDuckdb.create([catalog.warehouse.lakeRoot]);
      const connection = await sandbox.connect();
      try {
        const fails = async (sql: string) => expect(connection.run(sql)).rejects.toThrow(/disabled|locked|Permission/i);
        await fails(`SELECT * FROM read_csv('/etc/passwd')`);
        await fails(`SELECT * FROM read_parquet('${path.join(outside, 'secret.parquet')}')`);
        await fails(
          `SELECT * FROM read_csv('${catalog.warehouse.lakeRoot}/../../${path.relative('/', path.join(outside, 'secret.csv'))}')`,
        );
        await fails(`SELECT * FROM glob('/etc/*')`);
        await fails(`ATTACH '${path.join(outside, 'x.db')}'`);
        await fails(`COPY (SELECT 1) TO '${path.join(outside, 'out.csv')}'`);
        await fails('INSTALL httpfs');
        await fails('LOAD httpfs');
        await fails('SET enable_external_access = true');
        await fails(`SET allowed_directories = ['/']`);
        await fails('SET lock_configuration = false');
        await fails('PRAGMA threads = 1');
        const settings = await connection.runAndReadAll(
          `SELECT current_setting('enable_external_access') AS e, current_setting('TimeZone') AS tz`,
        );
        expect(settings.getRowObjectsJson()).toEqual([{ e: false, tz: 'UTC' }]);
      } finally {
        connection.closeSync();
        sandbox.close();
      }
    });

    it('reads an external table registered after the sandbox was made', async () => {
      await rows('SELECT 1 AS one');
      const location = path.join(tempDir('strata-external-'), 'ext');
      await new SqlSession(catalog).execute(`CREATE TABLE ext LOCATION '${location}' AS SELECT 7 AS x`);
      expect(await rows('SELECT x FROM ext')).toEqual([{ x: 7 }]);
    });
  },
  'pglite',
);
