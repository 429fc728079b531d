/**
 * A warehouse written by release 0.1 (metadata in migrations 0001-catalog, 0002-flows,
 * 0003-api, recorded by Kysely's Migrator) opens with the module-owned migrations and
 * loses nothing: its tables, schemas, grant, token, flow runs, attempts and
 * logs are all there and usable. Fixtures (made by fixtures/make-legacy-warehouse.ts
 * at that release): the embedded warehouse as a tarball, and for PostgreSQL the
 * warehouse directory plus a `pg_dump --no-owner` of its database.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterEach, expect, it } from 'vitest';
import { ApiServer, listGrants } from '../../src/api/index.js';
import { SqlSession } from '../../src/engine/index.js';
import { FlowSystem, getRun, runsOfFlow, taskInstancesOfRun, taskLogs } from '../../src/flows/index.js';
import { describeBackends, type BackendSetup } from './helpers/backends.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

interface Expected {
  readonly token: string;
  readonly runs: readonly number[];
}

/** The PostgreSQL client tools, from the newest Debian install (the dump needs a psql as new as its pg_dump). */
function psql(): string {
  const root = '/usr/lib/postgresql';
  const version = readdirSync(root).sort((a, b) => Number(b) - Number(a))[0];
  return path.join(root, version!, 'bin', 'psql');
}

async function restore(backend: 'pglite' | 'postgres', setup: BackendSetup): Promise<Expected> {
  // The backend helper may have placed a fresh database in meta/; the fixture replaces it.
  execFileSync('rm', ['-rf', path.join(setup.warehouse, 'meta')]);
  const archive = backend === 'pglite' ? 'embedded-warehouse.tar.xz' : 'server-warehouse.tar.xz';
  execFileSync('tar', ['-xJf', path.join(FIXTURES, archive), '-C', setup.warehouse]);
  if (backend === 'postgres') {
    execFileSync(
      psql(),
      ['-q', '-v', 'ON_ERROR_STOP=1', '-f', path.join(FIXTURES, 'server-meta.sql'), setup.databaseUrl!],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
  }
  return JSON.parse(readFileSync(path.join(setup.warehouse, 'expected.json'), 'utf8')) as Expected;
}

describeBackends('a warehouse written by release 0.1', (backend) => {
  let setup: BackendSetup | undefined;
  let system: FlowSystem | undefined;
  let server: ApiServer | undefined;
  afterEach(async () => {
    await server?.close();
    await system?.close();
    await setup?.dispose();
    server = system = setup = undefined;
  });

  it('opens, migrates without loss, and every row is still usable', async () => {
    setup = await backend.create();
    const expected = await restore(backend.name, setup);
    system = await FlowSystem.open({ warehouse: setup.warehouse, env: setup.env });
    const { catalog } = system;

    // Only the migrations since release 0.1 ran (grants: a no-op here, the table exists;
    // run control), and the old records now name their modules.
    expect(catalog.meta.migrations.applied).toEqual([
      'catalog-0002-grants',
      'flows-0003-run-control',
      'flows-0004-predicted-scheduling',
    ]);
    server = await ApiServer.start({ catalog, port: 0, logLevel: 'silent', tokenCacheMs: 0 });
    const records = await catalog.meta.db
      .selectFrom('strata_migrations')
      .select(['name', 'module'])
      .orderBy('name')
      .execute();
    expect(records).toEqual([
      { name: '0001-catalog', module: 'catalog' },
      { name: '0002-flows', module: 'flows' },
      { name: '0003-api', module: 'api-auth' },
      { name: 'api-sql-0001-history', module: 'api-sql' },
      { name: 'catalog-0002-grants', module: 'catalog' },
      { name: 'flows-0003-run-control', module: 'flows' },
      { name: 'flows-0004-predicted-scheduling', module: 'flows' },
      // The API server brings the model module's tables (its MLflow routes).
      { name: 'models-0001-tracking', module: 'models' },
      { name: 'models-0002-registry', module: 'models' },
      { name: 'models-0003-search-indexes', module: 'models' },
      { name: 'models-0004-lineage-gates', module: 'models' },
      { name: 'models-0005-rollout', module: 'models' },
    ]);

    // Catalog: schemas and tables (which open and read). (The fixture holds no lineage rows.)
    expect((await catalog.listSchemas()).map((s) => s.name)).toEqual(['analytics', 'main']);
    expect((await catalog.listTables()).map((t) => t.name).sort()).toEqual(['analytics.us_sales', 'main.sales']);
    const session = new SqlSession(catalog);
    const total = await session.executeOne('SELECT count(*) AS n, sum(amount) AS amount FROM main.sales');
    expect(total.rows.map((r) => r.map(Number))).toEqual([[3, 37.75]]);
    expect((await catalog.openTable('analytics.us_sales')).version).toBe(0);

    // The grant, and the token, which authenticates and is held to the grant.
    expect(await listGrants(catalog.meta)).toEqual([
      { role: 'reader', table: 'main.sales', columns: ['id', 'region'], rowFilter: "region = 'US'" },
    ]);
    const rows = await fetch(`${server.url}/v1/tables/main.sales/rows`, {
      headers: { authorization: `Bearer ${expected.token}` },
    });
    expect(rows.status).toBe(200);
    const body = JSON.stringify(await rows.json());
    expect(body).toContain('US');
    expect(body).not.toContain('EU');
    expect(body).not.toContain('amount');

    // Flows: both runs, their task attempts (one failure, then success) and logs.
    const db = system.queue.meta.db;
    expect((await runsOfFlow(db, 'legacy_flow')).map((r) => r.id).sort()).toEqual([...expected.runs].sort());
    for (const runId of expected.runs) {
      expect((await getRun(db, runId))?.state).toBe('success');
      const flaky = (await taskInstancesOfRun(db, runId)).find((t) => t.taskId === 'flaky')!;
      expect(flaky.attempt).toBe(2);
      const attempts = await db
        .selectFrom('task_attempts')
        .select(['attempt', 'outcome'])
        .where('task_instance_id', '=', flaky.id)
        .orderBy('attempt')
        .execute();
      expect(attempts).toEqual([
        { attempt: 1, outcome: 'up_for_retry' },
        { attempt: 2, outcome: 'success' },
      ]);
      expect((await taskLogs(db, flaky.id)).map((l) => l.line)).toEqual(
        expect.arrayContaining([expect.stringMatching(/^attempt 1 for 2026-01-0[12]$/)]),
      );
    }

    // And the warehouse keeps working: a new run on the migrated database.
    const { runId } = await system.trigger('legacy_flow', { day: '2026-02-01' });
    expect(runId).toBeGreaterThan(Math.max(...expected.runs));
    expect((await getRun(db, runId))?.flowId).toBe('legacy_flow');
    const count = await sql<{ n: number }>`select count(*)::int as n from flow_runs`.execute(db);
    expect(count.rows[0]?.n).toBe(3);
  });
});
