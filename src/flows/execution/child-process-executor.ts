/**
 * The default executor: a pool of long-lived child processes, one attempt at a time
 * each, started lazily and reused (an attempt costs an IPC round trip, not a process
 * start). A task that exits, crashes, runs out of memory or overruns its timeout
 * loses only its own attempt: its process is killed and replaced. Children exit when
 * the parent's IPC channel closes, so a dead worker leaves no orphans.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { AttemptUsage, Executor, LogStream, TaskFailure, TaskHost, TaskOutcome, TaskRequest } from './executor.js';
import type { JsonValue } from '../definition/flow-definition.js';
import { closedOutcome } from './in-process-executor.js';
import { failed } from './task-runner.js';

/** Messages over the IPC channel (task-child-main.ts is the other end). */
export type ParentMessage =
  | { readonly type: 'run'; readonly request: TaskRequest }
  | { readonly type: 'reply'; readonly callId: number; readonly ok: true; readonly value?: JsonValue }
  | { readonly type: 'reply'; readonly callId: number; readonly ok: false; readonly message: string };
export type ChildMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'loading'; readonly id: number }
  | { readonly type: 'loaded'; readonly id: number }
  | { readonly type: 'log'; readonly id: number; readonly line: string; readonly stream: LogStream }
  | { readonly type: 'load'; readonly id: number; readonly callId: number }
  | { readonly type: 'save'; readonly id: number; readonly callId: number; readonly value: JsonValue }
  | { readonly type: 'table'; readonly id: number; readonly callId: number; readonly name: string }
  | { readonly type: 'outcome'; readonly outcome: TaskOutcome; readonly recycle: boolean }
  | { readonly type: 'usage'; readonly id: number; readonly usage: AttemptUsage };

export interface ChildProcessExecutorOptions {
  /** Child processes (= attempts at once); default: os.availableParallelism(). */
  readonly slots?: number;
  /** Added to the parent's environment for the children. */
  readonly env?: Readonly<Record<string, string>>;
  /** An idle child is stopped after this long (default 5 minutes); the next attempt starts a new one. */
  readonly idleTimeoutMs?: number;
}

/** After timeoutMs the child's own runner reports the timeout; past this grace the parent kills it (a sync loop cannot report). */
const KILL_GRACE_MS = 500;
/** Importing a flow file is the executor's cost, not the task's: it does not count against timeoutMs, up to this long. */
const LOAD_ALLOWANCE_MS = 120_000;

// From dist/ the child entry is compiled JS; from source (tests, tsx) it is TypeScript, which the child runs through
// tsx. Either way the flow loader registers tsx itself for .ts flow files.
const fromSource = import.meta.url.endsWith('.ts');
const childEntry = fileURLToPath(
  new URL(fromSource ? './task-child-main.ts' : './task-child-main.js', import.meta.url),
);
const childExecArgv = fromSource ? ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href] : [];

interface Attempt {
  readonly request: TaskRequest;
  readonly host: TaskHost;
  finish(outcome: TaskOutcome): void;
  /** (Re)starts the timeout: timeoutMs plus an allowance. */
  arm(allowanceMs: number): void;
}

interface Child {
  readonly process: ChildProcess;
  readonly ready: Promise<void>;
  readonly exited: Promise<void>;
  attempt?: Attempt;
  dead: boolean;
  exit?: { readonly code: number | null; readonly signal: string | null };
  idleSince: number;
}

export class ChildProcessExecutor implements Executor {
  readonly kind = 'child-process';
  readonly slots: number;
  readonly #env: NodeJS.ProcessEnv;
  readonly #idleTimeoutMs: number;
  readonly #children = new Set<Child>();
  readonly #idle: Child[] = [];
  readonly #waiting: ((child: Child | undefined) => void)[] = [];
  readonly #running = new Set<Promise<TaskOutcome>>();
  #sweeper: NodeJS.Timeout | undefined;
  #closed = false;
  #closing = false;

  constructor(options: ChildProcessExecutorOptions = {}) {
    this.slots = Math.max(1, options.slots ?? availableParallelism());
    this.#env = { ...process.env, ...options.env };
    this.#idleTimeoutMs = options.idleTimeoutMs ?? 5 * 60_000;
  }

  async run(request: TaskRequest, host: TaskHost): Promise<TaskOutcome> {
    if (this.#closed) return closedOutcome();
    if (request.sourceFile === undefined) return failed(noSourceFile(request));
    const child = await this.#acquire();
    if (child === undefined) return closedOutcome();
    const running = this.#attempt(child, request, host);
    this.#running.add(running);
    try {
      return await running;
    } finally {
      this.#running.delete(running);
      this.#release(child);
    }
  }

  async #attempt(child: Child, request: TaskRequest, host: TaskHost): Promise<TaskOutcome> {
    await child.ready;
    return new Promise<TaskOutcome>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const finish = (outcome: TaskOutcome) => {
        clearTimeout(timer);
        if (child.attempt === attempt) child.attempt = undefined;
        resolve(outcome);
      };
      const { timeoutMs } = request;
      const arm = (allowanceMs: number) => {
        if (timeoutMs === undefined) return;
        clearTimeout(timer);
        timer = setTimeout(() => {
          finish(failed({ reason: 'timeout', name: 'TimeoutError', message: `timed out after ${timeoutMs} ms` }));
          this.#kill(child);
        }, timeoutMs + allowanceMs);
      };
      const attempt: Attempt = { request, host, finish, arm };
      if (child.dead) return finish(this.#ended(child.exit?.code ?? null, child.exit?.signal ?? null)); // died starting
      child.attempt = attempt;
      arm(KILL_GRACE_MS);
      child.process.send({ type: 'run', request } satisfies ParentMessage);
    });
  }

  #acquire(): Child | Promise<Child | undefined> {
    const idle = this.#idle.pop();
    if (idle !== undefined) {
      idle.process.ref();
      idle.process.channel?.ref();
      return idle;
    }
    if (this.#children.size < this.slots) return this.#spawn();
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  #release(child: Child): void {
    const next = this.#waiting.shift();
    if (next !== undefined) return next(child.dead ? this.#spawn() : child);
    if (child.dead) return;
    // An idle pool must not keep the worker's process alive.
    child.process.unref();
    child.process.channel?.unref();
    child.idleSince = Date.now();
    this.#idle.push(child);
  }

  #spawn(): Child {
    const proc = fork(childEntry, [], {
      execArgv: childExecArgv,
      env: this.#env,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      // Every message is JSON (outputs are checked to be), and small JSON messages cross faster than V8-serialized ones.
      serialization: 'json',
    });
    let onReady = () => {};
    let onExited = (_code: number | null, _signal: NodeJS.Signals | null) => {};
    const ready = new Promise<void>((resolve) => (onReady = resolve));
    const exited = new Promise<void>(
      (resolve) =>
        (onExited = (code, signal) => (
          child.exit === undefined && this.#onExit(child, code, signal),
          onReady(),
          resolve()
        )),
    );
    const child: Child = { process: proc, ready, exited, dead: false, idleSince: Date.now() };
    proc.on('message', (message: ChildMessage) =>
      message.type === 'ready' ? onReady() : this.#onMessage(child, message),
    );
    proc.once('exit', onExited);
    // A process that could not be started emits no 'exit'.
    proc.on('error', () => (proc.pid === undefined ? onExited(null, null) : this.#kill(child)));
    this.#children.add(child);
    this.#sweeper ??= setInterval(() => this.#sweepIdle(), Math.max(1_000, this.#idleTimeoutMs / 2)).unref();
    return child;
  }

  #onMessage(child: Child, message: Exclude<ChildMessage, { type: 'ready' }>): void {
    const attempt = child.attempt;
    if (attempt === undefined) return;
    const { host, request } = attempt;
    if (message.type === 'outcome') {
      attempt.finish(message.outcome);
      if (message.recycle) this.#kill(child);
    } else if (message.type === 'log') {
      host.log(request, message.line, message.stream);
    } else if (message.type === 'usage') {
      host.usage?.(request, message.usage);
    } else if (message.type === 'loading' || message.type === 'loaded') {
      attempt.arm(message.type === 'loading' ? KILL_GRACE_MS + LOAD_ALLOWANCE_MS : KILL_GRACE_MS);
    } else {
      const answer: Promise<JsonValue | undefined> =
        message.type === 'load'
          ? host.loadCheckpoint(request)
          : message.type === 'table'
            ? host.tableLocation(request, message.name)
            : host.saveCheckpoint(request, message.value).then(() => undefined);
      const reply = (m: ParentMessage) => child.process.connected && child.process.send(m);
      answer.then(
        (value) =>
          reply({ type: 'reply', callId: message.callId, ok: true, ...(value === undefined ? {} : { value }) }),
        (error: unknown) =>
          reply({
            type: 'reply',
            callId: message.callId,
            ok: false,
            message: error instanceof Error ? error.message : String(error),
          }),
      );
    }
  }

  #onExit(child: Child, code: number | null, signal: NodeJS.Signals | null): void {
    child.dead = true;
    child.exit = { code, signal };
    this.#children.delete(child);
    const idleAt = this.#idle.indexOf(child);
    if (idleAt >= 0) this.#idle.splice(idleAt, 1);
    child.attempt?.finish(this.#ended(code, signal));
  }

  #ended(exitCode: number | null, signal: string | null): TaskOutcome {
    if (this.#closing)
      return failed({
        reason: 'lost',
        name: 'ExecutorClosed',
        message: 'the executor was closed while the attempt ran (the worker shut down); its process was stopped',
        exitCode,
        signal,
      });
    const how = signal === null ? `exited with code ${exitCode}` : `was killed by ${signal}`;
    const message = `the task's process ${how} before the attempt finished (process.exit() in task code, a native crash or running out of memory); throw an Error to fail a task instead`;
    return failed({ reason: 'exited', name: 'TaskProcessExited', message, exitCode, signal });
  }

  /** As a timeout does: the attempt ends now and its process is killed (and replaced on demand). */
  cancel(ref: { readonly taskInstanceId: number; readonly leaseToken: number }): void {
    for (const child of this.#children) {
      const attempt = child.attempt;
      if (attempt?.request.taskInstanceId !== ref.taskInstanceId || attempt.request.leaseToken !== ref.leaseToken)
        continue;
      attempt.finish(failed({ reason: 'cancelled', name: 'TaskCancelled', message: 'the attempt was cancelled' }));
      this.#kill(child);
    }
  }

  #kill(child: Child): void {
    child.dead = true;
    child.process.kill('SIGKILL');
  }

  #sweepIdle(): void {
    const cutoff = Date.now() - this.#idleTimeoutMs;
    for (const child of this.#idle.filter((c) => c.idleSince < cutoff)) {
      this.#idle.splice(this.#idle.indexOf(child), 1);
      child.dead = true;
      child.process.disconnect(); // The child exits when its channel closes.
    }
  }

  async close(graceMs = 30_000): Promise<void> {
    this.#closed = true;
    for (const wake of this.#waiting.splice(0)) wake(undefined);
    if (this.#running.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
      await Promise.race([Promise.allSettled([...this.#running]), grace]);
      clearTimeout(timer);
    }
    this.#closing = true;
    clearInterval(this.#sweeper);
    const children = [...this.#children];
    for (const child of children) {
      child.process.ref(); // Idle children are unref'd: close() waits for their exit.
      if (child.attempt !== undefined) this.#kill(child);
      else if (child.process.connected) child.process.disconnect();
    }
    await Promise.all([...this.#running, ...children.map((c) => c.exited)]);
  }
}

function noSourceFile(request: TaskRequest): TaskFailure {
  return {
    reason: 'threw',
    name: 'FlowSourceFileMissing',
    message: `Flow "${request.flowId}" was not loaded from a file, and the child-process executor imports flows from their files (flows/*.ts) in its child processes: use the in-process executor for flows defined in code.`,
  };
}
