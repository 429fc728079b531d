/** Runs helpers/meta-worker.ts as a real child process (`node --import tsx`). */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PROJECT = path.resolve(HERE, '../../..');

export interface WorkerEvent {
  readonly event: 'open' | 'closed' | 'error' | 'in-transaction' | 'committed';
  readonly pid?: number;
  readonly kind?: string;
  readonly code?: string;
  readonly message?: string;
}

const running = new Set<MetaWorker>();

export class MetaWorker {
  readonly events: WorkerEvent[] = [];
  stderr = '';
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcessWithoutNullStreams;
  private waiters: Array<() => void> = [];

  constructor(
    config: { warehouse: string; mode: 'hold' | 'open' | 'exit' | 'transaction' },
    env: Record<string, string> = {},
  ) {
    this.child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(HERE, 'meta-worker.ts'), JSON.stringify(config)],
      { cwd: PROJECT, env: { ...process.env, ...env } },
    );
    let partial = '';
    this.child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop()!;
      for (const line of lines) if (line.trim()) this.events.push(JSON.parse(line) as WorkerEvent);
      this.wake();
    });
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.child.stdin.on('error', () => {});
    running.add(this);
    this.exited = new Promise((resolve) =>
      this.child.on('close', (code) => {
        running.delete(this);
        this.wake();
        resolve(code);
      }),
    );
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** The first event (open or error), or a failure naming stderr if the child exits without one. */
  async firstEvent(timeoutMs = 60_000): Promise<WorkerEvent> {
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    void this.exited.then(() => (exited = true));
    while (this.events.length === 0) {
      if (exited || Date.now() > deadline)
        throw new Error(`worker ${this.pid} reported nothing; stderr:\n${this.stderr}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 200);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.events[0]!;
  }

  /** The first event named `event`, or a failure naming stderr if the child exits without it. */
  async nextEvent(event: WorkerEvent['event'], timeoutMs = 60_000): Promise<WorkerEvent> {
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    void this.exited.then(() => (exited = true));
    for (;;) {
      const found = this.events.find((e) => e.event === event || e.event === 'error');
      if (found) return found;
      if (exited || Date.now() > deadline)
        throw new Error(
          `worker ${this.pid} never said ${event}; events ${JSON.stringify(this.events)}; stderr:\n${this.stderr}`,
        );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 200);
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
    this.child.kill(signal);
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}

/** Kills the workers still running (by their own handles). */
export async function stopWorkers(): Promise<void> {
  const left = [...running];
  for (const worker of left) worker.kill();
  await Promise.all(left.map((w) => w.exited));
}
