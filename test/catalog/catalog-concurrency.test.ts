/**
 * Concurrent catalog operations on a PostgreSQL server, where several processes
 * share one catalog: of two creators of one name exactly one wins and the other
 * gets CATALOG_TABLE_EXISTS, with separate connection pools and separate processes.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Catalog, TableAlreadyExistsError, initWarehouse } from '../../src/catalog/index.js';
import { tempDir } from '../meta/helpers/backends.js';
import { describeBackends, type BackendSetup } from '../meta/helpers/backends.js';
import { PEOPLE } from './helpers/fixtures.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));

describeBackends(
  'Catalog concurrency',
  (backend) => {
    let setup: BackendSetup;
    let one: Catalog;
    let two: Catalog;
    beforeAll(async () => {
      setup = await backend.create();
      await initWarehouse(setup.warehouse, { env: setup.env });
      one = await Catalog.open({ warehouse: setup.warehouse, env: setup.env });
      two = await Catalog.open({ warehouse: setup.warehouse, env: setup.env });
    });
    afterAll(async () => {
      await one?.close();
      await two?.close();
      await setup?.dispose();
    });

    it('lets one of two catalogs (two connection pools) win each race for a managed name', async () => {
      for (let round = 0; round < 5; round++) {
        const results = await Promise.allSettled([
          one.createTable(`managed_${round}`, { schema: PEOPLE }),
          two.createTable(`MANAGED_${round}`, { schema: PEOPLE }),
        ]);
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toBeInstanceOf(
          TableAlreadyExistsError,
        );
      }
      expect((await one.listTables()).map((t) => t.name)).toEqual([0, 1, 2, 3, 4].map((i) => `main.managed_${i}`));
      // Each loser removed the directory it made; only the winners' remain.
      const tables = await one.listTables();
      expect(
        readdirSync(path.join(setup.warehouse, 'lake', 'main'))
          .filter((d) => !d.startsWith('.'))
          .sort(),
      ).toEqual(tables.map((t) => path.basename(t.location)).sort());
    });

    it('lets one of two catalogs win the race for a name at two external locations', async () => {
      const outside = tempDir('strata-external-');
      for (let round = 0; round < 5; round++) {
        const results = await Promise.allSettled([
          one.createTable(`external_${round}`, { schema: PEOPLE, location: path.join(outside, `a${round}`) }),
          two.createTable(`external_${round}`, { schema: PEOPLE, location: path.join(outside, `b${round}`) }),
        ]);
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        const loser = (results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason as Error;
        expect(loser).toBeInstanceOf(TableAlreadyExistsError);
        // Lost at the first check, or after creating its Delta table: then the message says where that table is.
        if (/created concurrently/.test(loser.message))
          expect(loser.message).toMatch(/the Delta table this call created at .* was left in place/);
      }
    });

    it('creates a schema from two catalogs at once when both allow it to exist', async () => {
      const [a, b] = await Promise.all([
        one.createSchema('shared', { ifNotExists: true }),
        two.createSchema('shared', { ifNotExists: true }),
      ]);
      expect(a.name).toBe('shared');
      expect(b.name).toBe('shared');
    });

    it('lets exactly one of two processes create each name', async () => {
      const names = Array.from({ length: 6 }, (_, i) => `proc_${i}`);
      const workers = [0, 1].map(() => startWorker(setup, names));
      await Promise.all(workers.map((w) => w.ready));
      for (const w of workers) w.go();
      const outcomes = (await Promise.all(workers.map((w) => w.done))).flat();
      for (const name of names) {
        const mine = outcomes.filter((o) => o.name === name);
        expect(
          mine.filter((o) => o.ok),
          name,
        ).toHaveLength(1);
        expect(
          mine.filter((o) => !o.ok).map((o) => o.code),
          name,
        ).toEqual(['CATALOG_TABLE_EXISTS']);
      }
    });
  },
  'postgres',
);

interface Outcome {
  readonly name: string;
  readonly ok?: boolean;
  readonly code?: string;
}

function startWorker(
  setup: BackendSetup,
  names: string[],
): { ready: Promise<void>; go(): void; done: Promise<Outcome[]> } {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(HERE, 'helpers', 'catalog-worker.ts'),
      JSON.stringify({ warehouse: setup.warehouse, names }),
    ],
    {
      cwd: path.resolve(HERE, '../..'),
      env: { ...process.env, ...setup.env },
    },
  );
  let stdout = '';
  let stderr = '';
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    if (stdout.includes('"ready"')) markReady();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const done = new Promise<Outcome[]>((resolve, reject) =>
    child.on('close', (code) => {
      markReady();
      if (code !== 0) reject(new Error(`catalog worker exited with ${code}: ${stderr}`));
      else
        resolve(
          stdout
            .split('\n')
            .filter((l) => l.includes('"name"'))
            .map((l) => JSON.parse(l) as Outcome),
        );
    }),
  );
  return { ready, go: () => child.stdin.write('GO\n'), done };
}
