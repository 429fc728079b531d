/**
 * One attempt of one task, in whichever process runs it: the error boundary around
 * user code. Guarantees: it never rejects; every way the user's function can end
 * (a JSON output, a throw, skip/defer, a timeout) becomes a TaskOutcome; failures
 * carry the user's stack without our frames; outputs are checked to be JSON that
 * fits the metadata database before anyone stores them.
 */
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { format, inspect } from 'node:util';
import { formatBytes, InvalidArgumentError } from '../../core/index.js';
import { TaskNotFoundError, TaskOutputError } from '../errors.js';
import type { LogStream, TaskFailure, TaskOutcome, TaskRequest } from './executor.js';
import type { FlowDefinition, JsonValue, TaskDefinition } from '../definition/flow-definition.js';
import { readTableOutput, writeTableOutput } from './task-tables.js';
import { asDeferSignal, asSkipSignal, TaskDeferSignal, TaskSkipSignal, type TaskContext } from './task-context.js';

/** What the process running the attempt provides (the executor binds these to its TaskHost). */
export interface AttemptHooks {
  log(line: string, stream: LogStream): void;
  loadCheckpoint(): Promise<JsonValue | undefined>;
  saveCheckpoint(value: JsonValue): Promise<void>;
  tableLocation(name: string): Promise<string>;
  /** Aborting it (shutdown) aborts ctx.signal and ends the attempt as 'lost'. */
  signal?: AbortSignal;
}

/** Outputs are stored in the metadata database and passed to downstreams: bulk data belongs in lake tables. */
export const MAX_OUTPUT_BYTES = 8 * 1024 * 1024;

const neverAborted = new AbortController().signal;

export async function runTaskAttempt(
  flow: FlowDefinition,
  request: TaskRequest,
  hooks: AttemptHooks,
): Promise<TaskOutcome> {
  const task = flow.tasks.get(request.taskId);
  if (task === undefined)
    return failed(failureFromThrown(new TaskNotFoundError(request.runId, request.taskId, [...flow.tasks.keys()])));
  const { timeoutMs } = request;
  const shutdown = hooks.signal;
  // Fast path (most tasks): nothing can end the attempt but the task itself, so its signal never aborts.
  if (timeoutMs === undefined && shutdown === undefined)
    return attempt(task, taskContext(request, hooks, neverAborted), request);
  const controller = new AbortController();
  const ctx = taskContext(request, hooks, controller.signal);
  let timer: NodeJS.Timeout | undefined;
  let onShutdown: (() => void) | undefined;
  const stopped = new Promise<TaskOutcome>((resolve) => {
    if (timeoutMs !== undefined) {
      timer = setTimeout(() => {
        const message = `timed out after ${timeoutMs} ms`;
        controller.abort(Object.assign(new Error(message), { name: 'TimeoutError' }));
        resolve(failed({ reason: 'timeout', name: 'TimeoutError', message }));
      }, timeoutMs);
    }
    if (shutdown !== undefined) {
      onShutdown = () => {
        controller.abort(shutdown.reason);
        resolve(
          failed({
            reason: 'lost',
            name: 'AbortError',
            message: 'the attempt was aborted: the worker is shutting down',
          }),
        );
      };
      if (shutdown.aborted) onShutdown();
      else shutdown.addEventListener('abort', onShutdown, { once: true });
    }
  });
  try {
    return await Promise.race([attempt(task, ctx, request), stopped]);
  } finally {
    clearTimeout(timer);
    if (onShutdown !== undefined) shutdown?.removeEventListener('abort', onShutdown);
  }
}

async function attempt(task: TaskDefinition, ctx: TaskContext, request: TaskRequest): Promise<TaskOutcome> {
  let value: unknown;
  try {
    value = await task.run(ctx, request.inputs, request.mapItem);
  } catch (thrown) {
    const skip = asSkipSignal(thrown);
    if (skip !== undefined) return { kind: 'skipped', reason: skip.reason };
    const defer = asDeferSignal(thrown);
    if (defer !== undefined) return { kind: 'deferred', delayMs: defer.delayMs, reason: defer.reason };
    return failed(failureFromThrown(thrown));
  }
  try {
    return { kind: 'success', output: toJson(value, 'its output') };
  } catch (problem) {
    const error = new TaskOutputError(request.flowId, request.taskId, (problem as Error).message);
    return failed({ reason: 'output', name: error.name, code: error.code, message: error.message });
  }
}

function taskContext(request: TaskRequest, hooks: AttemptHooks, signal: AbortSignal): TaskContext {
  return {
    flowId: request.flowId,
    runId: request.runId,
    taskId: request.taskId,
    mapIndex: request.mapIndex,
    attempt: request.attempt,
    maxAttempts: request.maxAttempts,
    logicalDate: request.logicalDate,
    params: request.params,
    warehouse: request.warehouse,
    signal,
    log: (...values: unknown[]) => hooks.log(format(...values), 'log'),
    logOutput: (line, stream) => hooks.log(line, stream),
    checkpoint: {
      load: <T extends JsonValue = JsonValue>() => hooks.loadCheckpoint() as Promise<T | undefined>,
      save: async (value: JsonValue) => {
        let json: JsonValue;
        try {
          json = toJson(value, 'the checkpoint');
        } catch (problem) {
          throw new InvalidArgumentError(`ctx.checkpoint.save: ${(problem as Error).message}`, {}, { cause: problem });
        }
        await hooks.saveCheckpoint(json);
      },
    },
    tableLocation: (name) => hooks.tableLocation(name),
    outputTable: (rows) => writeTableOutput(request, rows),
    readTable: (ref) => readTableOutput(ref),
    skip(reason = 'the task skipped itself'): never {
      throw new TaskSkipSignal(reason);
    },
    defer(delayMs: number, reason = 'the task deferred itself'): never {
      throw new TaskDeferSignal(delayMs, reason);
    },
  };
}

export function failed(failure: TaskFailure): TaskOutcome {
  return { kind: 'failed', failure };
}

/** Any thrown value as a failure: errors keep name, message, string code and the user's frames. */
export function failureFromThrown(thrown: unknown): TaskFailure {
  if (typeof thrown === 'object' && thrown !== null && typeof (thrown as Error).message === 'string') {
    const { name, message, stack, code } = thrown as Error & { code?: unknown };
    return {
      reason: 'threw',
      name: typeof name === 'string' ? name : 'Error',
      message,
      ...(typeof stack === 'string' ? { stack: userStack(stack) } : {}),
      ...(typeof code === 'string' ? { code } : {}),
    };
  }
  const shown = inspect(thrown, { depth: 2, breakLength: Infinity });
  return {
    reason: 'threw',
    name: 'NonErrorThrown',
    message: `the task threw ${shown}, not an Error (throw an Error to record a stack)`,
  };
}

// Strata's own code and dependencies, as paths and as file URLs (how ESM frames print them).
const executionDir = path.dirname(fileURLToPath(import.meta.url));
const packageRoot = path.resolve(executionDir, '../../..');
const frameworkPrefixes = ['src', 'dist', 'node_modules'].flatMap((dir) => {
  const folder = path.join(packageRoot, dir) + path.sep;
  return [folder, pathToFileURL(folder).href];
});

/** The stack without frames of Node internals or of Strata (orchestrator, lake, its dependencies): what remains is the user's code. */
export function userStack(stack: string): string {
  return stack
    .split('\n')
    .filter(
      (line) =>
        !/^\s+at /.test(line) ||
        !(line.includes('node:internal') || frameworkPrefixes.some((prefix) => line.includes(prefix))),
    )
    .join('\n');
}

/** The value as stored (JSON round trip, undefined → null), or an Error saying what is not JSON. */
export function toJson(value: unknown, what: string): JsonValue {
  if (value === undefined || value === null) return null;
  let json: string;
  try {
    json = JSON.stringify(value, jsonReplacer);
  } catch (problem) {
    const detail = (problem as Error).message.split('\n')[0] ?? '';
    throw new Error(
      `${what} is not JSON: ${/circular/i.test(detail) ? 'it contains a cycle (an object that refers to itself)' : detail}. Return plain objects, arrays, strings, finite numbers, booleans or null.`,
      { cause: problem },
    );
  }
  if (json.length * 3 > MAX_OUTPUT_BYTES && Buffer.byteLength(json) > MAX_OUTPUT_BYTES) {
    throw new Error(
      `${what} is ${formatBytes(Buffer.byteLength(json))} as JSON, over the ${formatBytes(MAX_OUTPUT_BYTES)} limit: store large results with ctx.outputTable(rows) and return the reference it gives.`,
    );
  }
  return JSON.parse(json) as JsonValue;
}

function jsonReplacer(key: string, value: unknown): unknown {
  const where = key === '' ? '' : ` at key "${key}"`;
  switch (typeof value) {
    case 'function':
      throw new Error(`it contains a function${where}`);
    case 'bigint':
      throw new Error(`it contains a bigint${where} (convert it to a number or a string)`);
    case 'symbol':
      throw new Error(`it contains a symbol${where}`);
    case 'number':
      if (!Number.isFinite(value)) throw new Error(`it contains ${value}${where} (JSON has no NaN or Infinity)`);
      return value;
    case 'object':
      if (value instanceof Map || value instanceof Set)
        throw new Error(
          `it contains a ${value instanceof Map ? 'Map' : 'Set'}${where}, which JSON would store as {} (convert it to an object or an array)`,
        );
      return value;
    default:
      return value;
  }
}
