/**
 * A forked benchmark client process (`node --import tsx <file>`) and its message
 * channel. Clients run in their own processes so their CPU time and file descriptors
 * are not the server's (the server runs in the bench process): each process here has
 * a hard limit of 20,000 descriptors.
 *
 * Messages use the `advanced` serialization, so typed arrays (arrival times of tens of
 * thousands of clients) cross as binary. A child announces itself with `{kind:'ready'}`
 * and reports a failure with `{kind:'error', message}`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface ChildMessage {
  readonly kind: string;
}

export interface ChildError extends ChildMessage {
  readonly kind: 'error';
  readonly message: string;
}

export class WorkerProcess<Out extends ChildMessage> {
  readonly #queue: Out[] = [];
  readonly #waiters: Array<{
    accept: (message: Out) => boolean;
    resolve: (message: Out) => void;
    reject: (error: Error) => void;
  }> = [];
  #exited: Error | undefined;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    child.on('message', (raw) => this.#receive(raw as Out | ChildError));
    child.on('exit', (code, signal) => this.#fail(new Error(`${name} exited (${signal ?? `code ${code}`})`)));
    child.on('error', (error) => this.#fail(error));
  }

  /** Forks `module` (a URL next to the caller, e.g. `new URL('./sse-worker.ts', import.meta.url)`) and waits for its `ready`. */
  static async start<Out extends ChildMessage>(
    name: string,
    module: URL,
    options: { heapMb?: number; args?: readonly string[] } = {},
  ): Promise<WorkerProcess<Out>> {
    const child = fork(fileURLToPath(module), [...(options.args ?? [])], {
      execArgv: ['--import', 'tsx', ...(options.heapMb ? [`--max-old-space-size=${options.heapMb}`] : [])],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const worker = new WorkerProcess<Out>(name, child);
    await worker.next('ready' as Out['kind'], 60_000);
    return worker;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  send(message: object): void {
    if (this.#exited) throw this.#exited;
    this.child.send(message);
  }

  /** The next message of `kind` (messages of other kinds stay queued for their own waiters). */
  next<K extends Out['kind']>(kind: K, timeoutMs = 600_000): Promise<Extract<Out, { kind: K }>> {
    const accept = (message: Out): boolean => message.kind === kind;
    const queued = this.#queue.findIndex(accept);
    if (queued >= 0) return Promise.resolve(this.#queue.splice(queued, 1)[0] as Extract<Out, { kind: K }>);
    if (this.#exited) return Promise.reject(this.#exited);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.#waiters.indexOf(waiter);
        if (i >= 0) this.#waiters.splice(i, 1);
        reject(new Error(`${this.name}: no ${kind} message within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = {
        accept,
        resolve: (message: Out) => {
          clearTimeout(timer);
          resolve(message as Extract<Out, { kind: K }>);
        },
        reject: (error: Error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.#waiters.push(waiter);
    });
  }

  /** Sends `request` and waits for the reply of `kind`. */
  async ask<K extends Out['kind']>(request: object, kind: K, timeoutMs?: number): Promise<Extract<Out, { kind: K }>> {
    const reply = this.next(kind, timeoutMs);
    this.send(request);
    return reply;
  }

  /** Asks the child to exit (`{kind:'exit'}`), then kills it if it lingers. */
  async close(): Promise<void> {
    if (this.#exited || this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    try {
      this.child.send({ kind: 'exit' });
    } catch {
      // Already disconnected: the kill below ends it.
    }
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }

  #receive(message: Out | ChildError): void {
    if (message.kind === 'error') {
      this.#fail(new Error(`${this.name}: ${(message as ChildError).message}`));
      return;
    }
    const i = this.#waiters.findIndex((w) => w.accept(message as Out));
    if (i >= 0) this.#waiters.splice(i, 1)[0]!.resolve(message as Out);
    else this.#queue.push(message as Out);
  }

  #fail(error: Error): void {
    this.#exited ??= error;
    for (const waiter of this.#waiters.splice(0)) waiter.reject(error);
  }
}

/** The child's side: sends a message to the parent (a no-op once disconnected). */
export function toParent(message: object): void {
  if (process.connected) process.send!(message);
}

/**
 * Runs a child's message loop: `ready` once `handle` is installed, `exit` ends the
 * process, any handler failure is reported as `{kind:'error'}`.
 */
export function serveParent(
  handle: (message: { kind: string } & Record<string, unknown>) => Promise<void> | void,
): void {
  if (!process.send) throw new Error('this module runs as a forked benchmark client (see bench/api/worker-process.ts)');
  const fail = (error: unknown): void => {
    toParent({ kind: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  };
  process.on('message', (raw) => {
    const message = raw as { kind: string } & Record<string, unknown>;
    if (message.kind === 'exit') {
      process.disconnect();
      process.exit(0);
    }
    try {
      Promise.resolve(handle(message)).catch(fail);
    } catch (error) {
      fail(error);
    }
  });
  process.on('uncaughtException', fail);
  toParent({ kind: 'ready' });
}
