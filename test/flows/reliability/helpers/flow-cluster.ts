/**
 * Orchestrator nodes in real processes (helpers/flow-node.ts, under tsx: the
 * child-process executor finds its child entry beside its own source file, so the
 * node cannot be a bundle), flow files written into a warehouse, marker files the
 * tasks append to (one line per side effect), and a test bed that hides where the
 * database lives:
 *
 *   - PostgreSQL: the scheduler runs in the test process; worker nodes are separate
 *     processes sharing the server.
 *   - PGlite: one process owns the embedded database, so each node runs scheduler
 *     and worker together; the test talks to the live node over stdin, and reads the
 *     database itself only after stopping it.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Kysely } from 'kysely';
import { initWarehouse } from '../../../../src/catalog/index.js';
import { FlowSystem, getRun, type Executor, type RunSummary, type Scheduler } from '../../../../src/flows/index.js';
import type { AllTables as Database } from '../../../meta/helpers/modules.js';
import type { BackendSetup, TestBackend } from '../../../meta/helpers/backends.js';
import { WorkerProcess, type WorkerCommand } from '../../../reliability/helpers/worker-process.js';
import type { NodeConfig } from './flow-node.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const NODE_COMMAND: WorkerCommand = {
  command: process.execPath,
  args: ['--import', 'tsx', path.join(HERE, 'flow-node.ts')],
  dispose: () => {},
};

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns something other than undefined. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 60_000,
  everyMs = 25,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Helpers every flow file of these suites starts with: side effects as marker lines, and gates the test opens. */
export const FLOW_PRELUDE = `
import { defineFlow, every, cron } from 'strata';
import { appendFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
const markers = (ctx) => join(ctx.warehouse, 'markers');
const mark = (ctx, name, line) => {
  mkdirSync(markers(ctx), { recursive: true });
  appendFileSync(join(markers(ctx), name), line + '\\n');
};
const until = async (ctx, gate) => {
  while (!existsSync(join(markers(ctx), gate))) await new Promise((resolve) => setTimeout(resolve, 20));
};
`;

/** A marker file's lines (none when it does not exist). */
export function markerLines(warehouse: string, name: string): string[] {
  const file = path.join(warehouse, 'markers', name);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '');
}

/** Opens a gate a task waits on (`until(ctx, gate)`). */
export function openGate(warehouse: string, gate: string): void {
  mkdirSync(path.join(warehouse, 'markers'), { recursive: true });
  appendFileSync(path.join(warehouse, 'markers', gate), '');
}

export function writeFlow(warehouse: string, name: string, body: string): string {
  const dir = path.join(warehouse, 'flows');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  writeFileSync(file, FLOW_PRELUDE + body);
  return file;
}

/** Dead, or a zombie nobody reaped yet (a zombie runs no code). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** An orchestrator node in its own process. */
export class FlowNode {
  readonly process: WorkerProcess;
  #next = 0;

  private constructor(process: WorkerProcess) {
    this.process = process;
  }

  static async start(config: NodeConfig): Promise<FlowNode> {
    const node = new FlowNode(new WorkerProcess(NODE_COMMAND, config));
    const ready = await node.process.waitForLine((line) => line === 'READY', 120_000);
    if (ready === undefined)
      throw new Error(
        `flow node exited before READY (${JSON.stringify(await node.process.exited)}):\n${node.process.stderr}`,
      );
    return node;
  }

  get pid(): number {
    return this.process.pid;
  }

  async request<T>(verb: 'TRIGGER' | 'RUN', arg: string | number): Promise<T> {
    const n = ++this.#next;
    this.process.send(`Q ${n} ${verb} ${arg}`);
    const line = await this.process.waitForLine((l) => l.startsWith(`A ${n} `) || l.startsWith(`E ${n} `), 60_000);
    if (line === undefined) throw new Error(`flow node exited while answering ${verb} ${arg}:\n${this.process.stderr}`);
    if (line.startsWith('E ')) throw new Error(`flow node refused ${verb} ${arg}: ${line.slice(`E ${n} `.length)}`);
    return JSON.parse(line.slice(`A ${n} `.length)) as T;
  }

  /** SIGKILL, and wait until the process is gone. */
  async kill(): Promise<void> {
    this.process.kill('SIGKILL');
    const status = await this.process.exited;
    if (status.signal !== 'SIGKILL')
      throw new Error(`flow node ended with ${JSON.stringify(status)} before it was killed:\n${this.process.stderr}`);
  }

  /** Graceful stop (roles closed, database closed). */
  async stop(): Promise<void> {
    this.process.send('STOP');
    const status = await this.process.exited;
    if (status.code !== 0)
      throw new Error(`flow node did not stop cleanly (${JSON.stringify(status)}):\n${this.process.stderr}`);
  }
}

/**
 * A warehouse whose flows are files, with nodes started and killed by the test. See
 * the module comment for how the two backends differ.
 */
export class CrashBed {
  #system: FlowSystem | undefined;
  #live: FlowNode | undefined;
  readonly #nodes: FlowNode[] = [];

  private constructor(
    readonly backend: TestBackend['name'],
    readonly setup: BackendSetup,
  ) {}

  static async open(backend: TestBackend, flows: Readonly<Record<string, string>>): Promise<CrashBed> {
    const setup = await backend.create();
    await initWarehouse(setup.warehouse, { env: setup.env });
    for (const [name, body] of Object.entries(flows)) writeFlow(setup.warehouse, name, body);
    const bed = new CrashBed(backend.name, setup);
    if (backend.name === 'postgres') {
      bed.#system = await FlowSystem.open({ warehouse: setup.warehouse, env: setup.env });
      await bed.#system.startScheduler({
        tickMs: 100,
        onError: (error) => process.stderr.write(`test scheduler: ${error.message}\n`),
      });
    }
    return bed;
  }

  get warehouse(): string {
    return this.setup.warehouse;
  }

  /** A worker node (PostgreSQL), or a scheduler + worker node owning the database (PGlite). */
  async startNode(workerId: string, leaseMs = 1_000): Promise<FlowNode> {
    const node = await FlowNode.start({
      warehouse: this.warehouse,
      env: this.setup.env,
      ...(this.backend === 'pglite' ? { scheduler: { tickMs: 100 } } : {}),
      worker: { id: workerId, leaseMs, executor: 'child-process', slots: 2 },
    });
    this.#nodes.push(node);
    this.#live = node;
    return node;
  }

  async trigger(flowId: string): Promise<number> {
    if (this.#system !== undefined) return (await this.#system.trigger(flowId)).runId;
    return (await this.#liveNode().request<{ runId: number }>('TRIGGER', flowId)).runId;
  }

  async run(runId: number): Promise<RunSummary | undefined> {
    if (this.#system !== undefined) return getRun(this.#system.queue.meta.db, runId);
    return (await this.#liveNode().request<RunSummary | null>('RUN', runId)) ?? undefined;
  }

  async waitForRun(runId: number, timeoutMs = 90_000): Promise<RunSummary> {
    return waitFor(
      `run ${runId} to finish`,
      async () => {
        const run = await this.run(runId);
        return run !== undefined && (run.state === 'success' || run.state === 'failed') ? run : undefined;
      },
      timeoutMs,
      50,
    );
  }

  /** The database, for checks: on PGlite the live node is stopped first and the test opens the database itself. */
  async database(): Promise<Kysely<Database>> {
    if (this.#system === undefined) {
      await this.#live?.stop();
      this.#live = undefined;
      this.#system = await FlowSystem.open({ warehouse: this.warehouse, env: this.setup.env });
    }
    return this.#system.queue.meta.db;
  }

  #liveNode(): FlowNode {
    if (this.#live === undefined || this.#live.process.hasExited) throw new Error('no live flow node to ask');
    return this.#live;
  }

  async close(): Promise<void> {
    for (const node of this.#nodes) node.process.kill('SIGKILL');
    await Promise.all(this.#nodes.map((node) => node.process.exited));
    await this.#system?.close();
    await this.setup.dispose();
  }
}

/** A warehouse whose flows are the files in its flows/ folder, with a scheduler and a child-process worker in this process. */
export interface FileFlows {
  readonly setup: BackendSetup;
  readonly system: FlowSystem;
  readonly scheduler: Scheduler;
  readonly problems: Error[];
  waitForRun(runId: number, timeoutMs?: number): Promise<RunSummary>;
  close(): Promise<void>;
}

export async function openFileFlows(
  backend: TestBackend,
  flows: Readonly<Record<string, string>>,
  executor: Executor,
): Promise<FileFlows> {
  const setup = await backend.create();
  await initWarehouse(setup.warehouse, { env: setup.env });
  for (const [name, body] of Object.entries(flows)) writeFlow(setup.warehouse, name, body);
  const system = await FlowSystem.open({ warehouse: setup.warehouse, env: setup.env });
  const problems: Error[] = [];
  const scheduler = await system.startScheduler({ tickMs: 50, onProblem: (problem) => problems.push(problem) });
  await system.startWorker({ executor, pollMs: 50, leaseMs: 60_000 });
  return {
    setup,
    system,
    scheduler,
    problems,
    waitForRun: (runId, timeoutMs = 90_000) =>
      waitFor(
        `run ${runId} to finish`,
        async () => {
          const run = await getRun(system.queue.meta.db, runId);
          return run !== undefined && (run.state === 'success' || run.state === 'failed') ? run : undefined;
        },
        timeoutMs,
        50,
      ),
    async close() {
      await system.close();
      await setup.dispose();
    },
  };
}
