/**
 * The two metadata backends the flows scenarios run on, and what every scenario
 * shares: a warehouse with the orchestrator on it, flow files children can import,
 * waiting for a run, percentiles.
 *
 *   pg      a fresh database per setup on the server named by STRATA_BENCH_DATABASE_URL,
 *           else STRATA_TEST_DATABASE_URL; without either, a throwaway server started
 *           with scripts/pg-test-server.sh (once, stopped when the process exits)
 *   pglite  the embedded database in the warehouse's meta/ directory
 *
 * (test/meta/helpers/backends.ts does the same for tests, but imports vitest.)
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promises as fs, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import { initWarehouse } from '../../src/catalog/index.js';
import {
  FlowSystem,
  getRun,
  loadFlowFile,
  type FlowDefinition,
  type FlowResolver,
  type RunSummary,
} from '../../src/flows/index.js';
import { DATABASE_URL_ENV } from '../../src/meta/index.js';

export type BackendName = 'pg' | 'pglite';
export const BACKEND_NAMES: readonly BackendName[] = ['pg', 'pglite'];

export interface BenchBackend {
  readonly name: BackendName;
  readonly warehouse: string;
  /** The database's URL (pg only). */
  readonly databaseUrl?: string;
  /** What to pass as `env`: STRATA_DATABASE_URL for pg, nothing for PGlite. */
  readonly env: Readonly<Record<string, string>>;
  dispose(): Promise<void>;
}

const PROJECT = fileURLToPath(new URL('../..', import.meta.url));
/** Flow files import the orchestrator from the source by absolute URL (the same module instances as the children's). */
export const FLOWS_ENTRY = pathToFileURL(path.join(PROJECT, 'src/flows/index.ts')).href;

let server: Promise<string> | undefined;

/** The PostgreSQL server's base URL (starting a throwaway server when none is configured). */
export function serverBaseUrl(): Promise<string> {
  server ??= (async () => {
    const configured = process.env.STRATA_BENCH_DATABASE_URL?.trim() || process.env.STRATA_TEST_DATABASE_URL?.trim();
    if (configured) return configured;
    const script = path.join(PROJECT, 'scripts/pg-test-server.sh');
    const dir = mkdtempSync(path.join(tmpdir(), 'strata-bench-pg-'));
    process.stderr.write(
      `[flows] no STRATA_BENCH_DATABASE_URL / STRATA_TEST_DATABASE_URL: starting a PostgreSQL server in ${dir}\n`,
    );
    const url = execFileSync(script, ['start', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
    process.once('exit', () => {
      try {
        execFileSync(script, ['stop', dir], { stdio: 'ignore' });
      } catch {
        // best effort
      }
    });
    return url;
  })();
  return server;
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A new warehouse directory under `workDir` with an empty metadata database on `name`. */
export async function createBackend(name: BackendName, workDir: string): Promise<BenchBackend> {
  const warehouse = path.join(workDir, `${name}-${randomUUID().slice(0, 8)}`);
  await fs.mkdir(warehouse, { recursive: true });
  if (name === 'pglite') {
    return { name, warehouse, env: {}, dispose: () => fs.rm(warehouse, { recursive: true, force: true }) };
  }
  const base = await serverBaseUrl();
  const database = `strata_bench_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  await withClient(base, (client) => client.query(`CREATE DATABASE ${database}`));
  const url = new URL(base);
  url.pathname = `/${database}`;
  return {
    name,
    warehouse,
    databaseUrl: url.toString(),
    env: { [DATABASE_URL_ENV]: url.toString() },
    dispose: async () => {
      await fs.rm(warehouse, { recursive: true, force: true });
      await withClient(base, (client) => client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
    },
  };
}

/** Makes the backend's warehouse and opens the orchestrator on it, flows/ in the warehouse. */
export async function openFlowSystem(backend: BenchBackend): Promise<FlowSystem> {
  await initWarehouse(backend.warehouse, { env: backend.env });
  return FlowSystem.open({ warehouse: backend.warehouse, env: backend.env, flowsDirectory: flowsDirectory(backend) });
}

export const flowsDirectory = (backend: BenchBackend): string => path.join(backend.warehouse, 'flows');

/** Writes `flows/<name>.ts`: `body` is module code after an import of defineFlow. */
export async function writeFlowFile(backend: BenchBackend, name: string, body: string): Promise<string> {
  const file = path.join(flowsDirectory(backend), `${name}.ts`);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, `import { defineFlow } from '${FLOWS_ENTRY}';\n${body}\n`);
  return file;
}

/** Polls the run every `pollMs` until it succeeded (a failed run or the timeout throws). */
export async function waitForRun(
  system: FlowSystem,
  runId: number,
  timeoutMs: number,
  pollMs = 10,
): Promise<RunSummary> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await getRun(system.queue.meta.db, runId);
    if (run?.state === 'success') return run;
    if (run?.state === 'failed') throw new Error(`run ${runId} of ${run.flowId} failed`);
    if (Date.now() > deadline)
      throw new Error(`run ${runId} did not finish within ${timeoutMs} ms: ${JSON.stringify(run)}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** Nearest-rank percentile (p in 0..100). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Resolves flows for the InProcessExecutor by importing their files (once per file). */
export function fileFlowResolver(): FlowResolver {
  const files = new Map<string, Promise<FlowDefinition[]>>();
  return {
    async resolve(flowId, sourceFile) {
      if (sourceFile === undefined) throw new Error(`flow ${flowId} has no source file`);
      let loading = files.get(sourceFile);
      if (loading === undefined) files.set(sourceFile, (loading = loadFlowFile(sourceFile)));
      const flow = (await loading).find((candidate) => candidate.id === flowId);
      if (flow === undefined) throw new Error(`${sourceFile} defines no flow ${flowId}`);
      return flow;
    },
  };
}
