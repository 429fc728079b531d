/**
 * The entry point of the ChildProcessExecutor's child processes: runs one attempt at
 * a time, as the parent asks over IPC. Flow files are imported once and re-imported
 * when their mtime changes (the loader then imports the new content afresh).
 * Everything the attempt writes (ctx.log, console, process.stdout/stderr) is relayed to the parent as lines of that attempt, and
 * checkpoints are requests the parent answers through its TaskHost.
 */
import { statSync } from 'node:fs';
import { FlowNotFoundError } from '../errors.js';
import type { LogStream, TaskOutcome, TaskRequest } from './executor.js';
import type { ChildMessage, ParentMessage } from './child-process-executor.js';
import type { FlowDefinition, JsonValue } from '../definition/flow-definition.js';
import { loadFlowFile } from '../definition/flow-loader.js';
import { failed, failureFromThrown, runTaskAttempt } from './task-runner.js';
import { startUsageMeter } from './attempt-usage-meter.js';

interface Running {
  readonly id: number;
  readonly partial: Record<'stdout' | 'stderr', string>;
  crashed: boolean;
  /** Ends the attempt early: an uncaught exception from its code (a throw in a callback, an unhandled rejection). */
  crash(error: unknown): void;
}

let current: Running | undefined;
let nextCallId = 0;
const calls = new Map<number, { resolve(value: JsonValue | undefined): void; reject(error: Error): void }>();
const flowFiles = new Map<string, { mtimeMs: number; flows: Promise<readonly FlowDefinition[]> }>();

const send = (message: ChildMessage): void => void process.send?.(message);

async function flowFor(id: number, flowId: string, file: string): Promise<FlowDefinition> {
  const mtimeMs = statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? -1;
  const cached = flowFiles.get(file);
  const load = cached === undefined || cached.mtimeMs !== mtimeMs;
  const entry = load ? { mtimeMs, flows: loadFlowFile(file) } : cached;
  if (load) {
    flowFiles.set(file, entry);
    // A file that failed to load is tried again by the next attempt (it may have been fixed).
    entry.flows.catch(() => flowFiles.get(file) === entry && flowFiles.delete(file));
    send({ type: 'loading', id });
  }
  let flows: readonly FlowDefinition[];
  try {
    flows = await entry.flows;
  } finally {
    if (load) send({ type: 'loaded', id });
  }
  const flow = flows.find((candidate) => candidate.id === flowId);
  if (flow === undefined)
    throw new FlowNotFoundError(
      flowId,
      flows.map((candidate) => candidate.id),
    );
  return flow;
}

function call(
  id: number,
  message: { type: 'load' } | { type: 'save'; value: JsonValue } | { type: 'table'; name: string },
): Promise<JsonValue | undefined> {
  const callId = ++nextCallId;
  return new Promise((resolve, reject) => {
    calls.set(callId, { resolve, reject });
    send({ ...message, id, callId });
  });
}

async function runAttempt(request: TaskRequest): Promise<void> {
  const id = request.taskInstanceId;
  const running: Running = { id, partial: { stdout: '', stderr: '' }, crashed: false, crash: () => {} };
  const crashed = new Promise<TaskOutcome>((resolve) => {
    running.crash = (error) => {
      running.crashed = true;
      resolve(failed(failureFromThrown(error)));
    };
  });
  current = running;
  const meter = startUsageMeter();
  const work = (async () => {
    const flow = await flowFor(id, request.flowId, request.sourceFile ?? '');
    return runTaskAttempt(flow, request, {
      log: (line, stream) => send({ type: 'log', id, line, stream }),
      loadCheckpoint: () => call(id, { type: 'load' }),
      saveCheckpoint: async (value) => void (await call(id, { type: 'save', value })),
      tableLocation: async (name) => (await call(id, { type: 'table', name })) as string,
    });
  })().catch((error: unknown) => failed(failureFromThrown(error)));
  const outcome = await Promise.race([work, crashed]);
  send({ type: 'usage', id, usage: meter() });
  for (const stream of ['stdout', 'stderr'] as const)
    if (running.partial[stream] !== '') send({ type: 'log', id, line: running.partial[stream], stream });
  current = undefined;
  // Code of a timed-out or crashed attempt may still be running: the parent replaces this process.
  const recycle = running.crashed || (outcome.kind === 'failed' && outcome.failure.reason === 'timeout');
  send({ type: 'outcome', outcome, recycle });
}

/** Writes during an attempt become that attempt's log lines; other writes go to the inherited stdio. */
function capture(stream: LogStream & ('stdout' | 'stderr')): void {
  const target = process[stream];
  const original = target.write.bind(target) as (...args: unknown[]) => boolean;
  target.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const running = current;
    if (running === undefined) return original(chunk, ...rest);
    const text =
      typeof chunk === 'string'
        ? chunk
        : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('utf8');
    const lines = (running.partial[stream] + text).split('\n');
    running.partial[stream] = lines.pop() ?? '';
    for (const line of lines) send({ type: 'log', id: running.id, line, stream });
    const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
    if (callback !== undefined) process.nextTick(callback);
    return true;
  }) as typeof target.write;
}

if (process.send === undefined) {
  process.stderr.write('task-child-main is started by the ChildProcessExecutor (it needs an IPC channel).\n');
  process.exit(2);
}
capture('stdout');
capture('stderr');
// Ctrl-C in a terminal reaches the whole process group: the parent decides what stops
// (a worker lets attempts finish, `flow run` cancels its run and kills them), not the signal.
process.on('SIGINT', () => {});
// The parent is gone (exited, killed or closed us): no orphans.
process.on('disconnect', () => process.exit(0));
process.on('uncaughtException', (error) => {
  if (current !== undefined) return current.crash(error);
  process.stderr.write(`Uncaught exception outside any task attempt: ${error.stack ?? String(error)}\n`);
  process.exit(1);
});
process.on('message', (message: ParentMessage) => {
  if (message.type === 'run') void runAttempt(message.request);
  else {
    const pending = calls.get(message.callId);
    calls.delete(message.callId);
    if (message.ok) pending?.resolve(message.value);
    else pending?.reject(new Error(message.message));
  }
});
send({ type: 'ready' });
