/**
 * Real child processes for the reliability suites.
 *
 * A worker script (TypeScript, beside this file) is bundled once with esbuild into
 * `node_modules/.cache/` (kept out of git and ESLint; packages stay external so
 * `@duckdb/node-api` loads its native addon from node_modules as usual; the depth
 * matters: src/core/version.ts finds package.json at `../../` from the module),
 * which makes a child start in ~0.2 s instead of ~0.7 s under `node --import tsx`.
 * esbuild is only a transitive dependency (of tsx), so without it we fall back to tsx.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PROJECT = path.resolve(HERE, '../../..');
const CACHE = path.join(PROJECT, 'node_modules', '.cache');

export interface WorkerCommand {
  readonly command: string;
  readonly args: readonly string[];
  /** Removes the bundle (if any). */
  dispose(): void;
}

/** How to start `helpers/<name>.ts` as a child: a fresh esbuild bundle, or tsx. */
export async function workerCommand(name: string): Promise<WorkerCommand> {
  const entry = path.join(HERE, `${name}.ts`);
  try {
    const esbuild = await import('esbuild');
    mkdirSync(CACHE, { recursive: true });
    // Unique per build: several vitest forks may build the same worker at once.
    const outfile = path.join(CACHE, `strata-reliability-${name}-${process.pid}-${randomUUID().slice(0, 8)}.mjs`);
    await esbuild.build({
      entryPoints: [entry],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      logLevel: 'error',
    });
    return { command: process.execPath, args: [outfile], dispose: () => rmSync(outfile, { force: true }) };
  } catch {
    return { command: process.execPath, args: ['--import', 'tsx', entry], dispose: () => {} };
  }
}

export interface ExitStatus {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

const running = new Set<WorkerProcess>();

/** Kills (by their own handles) the workers this process started that still run. */
export async function stopWorkers(): Promise<void> {
  const left = [...running];
  for (const worker of left) worker.kill('SIGKILL');
  await Promise.all(left.map((w) => w.exited));
}

/** One running worker: its complete stdout lines, stderr text, and exit. */
export class WorkerProcess {
  readonly lines: string[] = [];
  stderr = '';
  readonly exited: Promise<ExitStatus>;
  private readonly child: ChildProcessByStdio<Writable, Readable, Readable>;
  private partial = '';
  private waiters: Array<() => void> = [];
  private status: ExitStatus | undefined;

  constructor(command: WorkerCommand, config: unknown) {
    this.child = spawn(command.command, [...command.args, JSON.stringify(config)], {
      cwd: PROJECT,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stdout.setEncoding('utf8');
    this.child.stderr.setEncoding('utf8');
    this.child.stdout.on('data', (chunk: string) => {
      // Only newline-terminated lines count: a kill can cut the last one short.
      const parts = (this.partial + chunk).split('\n');
      this.partial = parts.pop()!;
      this.lines.push(...parts);
      this.wake();
    });
    this.child.stderr.on('data', (chunk: string) => {
      this.stderr += chunk;
    });
    this.child.stdin.on('error', () => {}); // the child may be gone when we write
    running.add(this);
    this.exited = new Promise((resolve) => {
      this.child.on('close', (code, signal) => {
        running.delete(this);
        this.status = { code, signal };
        this.wake();
        resolve(this.status);
      });
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  get hasExited(): boolean {
    return this.status !== undefined;
  }

  /** Resolves with the first line matching, or undefined if the child exits first. */
  async waitForLine(match: (line: string) => boolean, timeoutMs = 60_000): Promise<string | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.lines.find(match);
      if (found !== undefined) return found;
      if (this.status) return undefined;
      if (Date.now() > deadline)
        throw new Error(`worker ${this.pid} printed no matching line within ${timeoutMs} ms; stderr:\n${this.stderr}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  send(line: string): void {
    this.child.stdin.write(`${line}\n`);
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (!this.status) this.child.kill(signal);
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
