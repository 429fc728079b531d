/**
 * The migrator over modules' sources, on both backends: a module composed later gets
 * its tables then; records of modules not composed are left alone; an unknown record
 * of a composed module (a newer Strata) and a migration inserted into a released list
 * are refused; a failing migration rolls back the whole run.
 */
import { sql, type Kysely } from 'kysely';
import { afterEach, expect, it } from 'vitest';
import { MetaMigrationError, openMetaDatabase, type MigrationSource } from '../../src/meta/index.js';
import { describeBackends, type BackendSetup } from './helpers/backends.js';

const table = (name: string) => async (db: Kysely<unknown>) => {
  await sql`create table ${sql.table(name)} (id int)`.execute(db);
};
const alpha: MigrationSource = { module: 'alpha', migrations: [{ id: 'alpha-0001', up: table('alpha_one') }] };
const beta: MigrationSource = {
  module: 'beta',
  dependsOn: ['alpha'],
  migrations: [
    { id: 'beta-0001', up: table('beta_one') },
    { id: 'beta-0002', up: table('beta_two') },
  ],
};

describeBackends('module migrations', (backend) => {
  let setup: BackendSetup | undefined;
  afterEach(async () => {
    await setup?.dispose();
    setup = undefined;
  });
  const open = (migrations: readonly MigrationSource[]) =>
    openMetaDatabase({ warehouse: setup!.warehouse, env: setup!.env, migrations });

  it('migrates each module when it is composed, and leaves records of modules not composed alone', async () => {
    setup = await backend.create();
    const first = await open([alpha]);
    expect(first.migrations).toEqual({ applied: ['alpha-0001'], current: 'alpha-0001' });
    expect(await first.migrate([alpha, beta])).toEqual({ applied: ['beta-0001', 'beta-0002'], current: 'beta-0002' });
    await first.close();
    // alpha alone again: beta's records belong to a module this process does not compose.
    const again = await open([alpha]);
    expect(again.migrations).toEqual({ applied: [], current: 'alpha-0001' });
    const rows = await again.db.selectFrom('strata_migrations').select(['name', 'module']).orderBy('name').execute();
    expect(rows).toEqual([
      { name: 'alpha-0001', module: 'alpha' },
      { name: 'beta-0001', module: 'beta' },
      { name: 'beta-0002', module: 'beta' },
    ]);
    await again.close();
  });

  it('refuses a database with migrations of a composed module it does not know, and an inserted migration', async () => {
    setup = await backend.create();
    await (await open([alpha, beta])).close();
    const older: MigrationSource = { ...beta, migrations: beta.migrations.slice(0, 1) };
    const refused = await open([alpha, older]).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(MetaMigrationError);
    expect(String(refused)).toMatch(/beta migrations this version of Strata does not know \(beta-0002\).*newer Strata/);
    const inserted: MigrationSource = {
      ...beta,
      migrations: [beta.migrations[0]!, { id: 'beta-0001b', up: table('beta_inserted') }, beta.migrations[1]!],
    };
    await expect(open([alpha, inserted])).rejects.toThrow(/has beta migration beta-0002 but not beta-0001b/);
  });

  it('rolls back the whole run when a migration fails, naming it', async () => {
    setup = await backend.create();
    const failing: MigrationSource = {
      module: 'gamma',
      migrations: [
        { id: 'gamma-0001', up: table('gamma_one') },
        { id: 'gamma-0002', up: async (db) => void (await sql`select * from no_such_table`.execute(db)) },
      ],
    };
    await expect(open([alpha, failing])).rejects.toThrow(/Migration gamma-0002 \(gamma\).*failed and was rolled back/);
    const meta = await open([]);
    const tables = await sql<{ n: number }>`select count(*)::int as n from information_schema.tables
      where table_name in ('alpha_one', 'gamma_one')`.execute(meta.db);
    expect(tables.rows[0]?.n).toBe(0);
    await meta.close();
  });
});
