/**
 * The metadata backends every contract suite runs against: embedded PGlite, and a
 * PostgreSQL server when STRATA_TEST_DATABASE_URL names one (scripts/pg-test-server.sh
 * starts a throwaway one). Without that URL the PostgreSQL suites do not pass
 * silently: under CI (CI=true) they fail; locally they are skipped, saying why.
 *
 * Each `create()` gives a fresh warehouse directory and, for PostgreSQL, a fresh
 * database (created on the server, dropped by `dispose()`).
 */
import { randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { describe, it } from 'vitest';
import { DATABASE_URL_ENV, META_DIRECTORY } from '../../../src/meta/index.js';

const PROJECT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export const TEST_DATABASE_URL_ENV = 'STRATA_TEST_DATABASE_URL';

export interface BackendSetup {
  /** A new empty directory for the warehouse. */
  readonly warehouse: string;
  /** The server database's URL (postgres only). */
  readonly databaseUrl?: string;
  /** The environment to pass as `env`: STRATA_DATABASE_URL for postgres, nothing for PGlite. */
  readonly env: Readonly<Record<string, string>>;
  dispose(): Promise<void>;
}

export interface TestBackend {
  readonly name: 'pglite' | 'postgres';
  create(): Promise<BackendSetup>;
}

const serverUrl = process.env[TEST_DATABASE_URL_ENV]?.trim() || undefined;

export function tempDir(prefix = 'strata-meta-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

const pglite: TestBackend = {
  name: 'pglite',
  async create() {
    const warehouse = tempDir();
    cpSync(await pgliteTemplate(), path.join(warehouse, META_DIRECTORY), { recursive: true });
    return { warehouse, env: {}, dispose: async () => rmSync(warehouse, { recursive: true, force: true }) };
  },
};

/**
 * A freshly initialized, never migrated PGlite data directory, built once and cached
 * in node_modules/.cache (PGlite's initdb takes seconds; copying its result does not).
 * Built in a private directory and renamed into place, so concurrent test processes
 * never see half of one.
 */
async function pgliteTemplate(): Promise<string> {
  const version = (
    JSON.parse(readFileSync(path.join(PROJECT, 'node_modules/@electric-sql/pglite/package.json'), 'utf8')) as {
      version: string;
    }
  ).version;
  const template = path.join(PROJECT, 'node_modules', '.cache', `strata-pglite-template-${version}`);
  if (existsSync(path.join(template, 'PG_VERSION'))) return template;
  mkdirSync(path.dirname(template), { recursive: true });
  const building = `${template}.${process.pid}.${randomUUID().slice(0, 8)}`;
  const pg = await PGlite.create(building);
  await pg.close();
  rmSync(path.join(building, 'postmaster.pid'), { force: true });
  try {
    renameSync(building, template);
  } catch {
    rmSync(building, { recursive: true, force: true }); // another process was first
  }
  return template;
}

const postgres: TestBackend = {
  name: 'postgres',
  async create() {
    const base = serverUrl!;
    const database = `strata_test_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
    await withClient(base, (client) => client.query(`CREATE DATABASE ${database}`));
    const url = new URL(base);
    url.pathname = `/${database}`;
    const warehouse = tempDir();
    return {
      warehouse,
      databaseUrl: url.toString(),
      env: { [DATABASE_URL_ENV]: url.toString() },
      dispose: async () => {
        rmSync(warehouse, { recursive: true, force: true });
        await withClient(base, (client) => client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
      },
    };
  },
};

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export const BACKENDS: ReadonlyArray<readonly [string, TestBackend]> = [
  ['pglite', pglite],
  ['postgres', postgres],
];

const MISSING = `${TEST_DATABASE_URL_ENV} is not set: start a server with \`dir=$(mktemp -d); export ${TEST_DATABASE_URL_ENV}=$(scripts/pg-test-server.sh start "$dir")\``;

let warned = false;
function warnOnce(): void {
  if (warned) return;
  warned = true;
  console.warn(`PostgreSQL suites skipped: ${MISSING}`);
}

/**
 * `describe.each` over the backends. For postgres without a server: a failing test
 * under CI, a skipped one (named with the reason) locally.
 */
export function describeBackends(
  title: string,
  body: (backend: TestBackend) => void,
  only?: TestBackend['name'],
): void {
  const backends = BACKENDS.filter(([name]) => only === undefined || name === only);
  describe.each(backends)(`${title} [%s]`, (name, backend) => {
    if (name === 'postgres' && serverUrl === undefined) {
      if (process.env.CI === 'true' || process.env.CI === '1') {
        it('has a PostgreSQL server to test against', () => {
          throw new Error(`${MISSING}. CI must run this suite against PostgreSQL (.ci/run starts one).`);
        });
      } else {
        warnOnce();
        it.skip(`skipped: ${MISSING}`, () => {});
      }
      return;
    }
    body(backend);
  });
}
