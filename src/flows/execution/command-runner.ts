/**
 * Runs a command task's program for one attempt. The program gets the worker's
 * environment, the task's own variables and files, and (with tracking) a fresh MLflow
 * run created before it starts; its stdout and stderr lines become the attempt's log;
 * exit code 0 is success, anything else a CommandFailedError, so retries and timeouts
 * follow the task's settings like any task's.
 *
 * Environment: STRATA_FLOW_ID, STRATA_FLOW_RUN_ID, STRATA_TASK_ID, STRATA_ATTEMPT,
 * STRATA_LOGICAL_DATE; STRATA_PARAM_<NAME> and STRATA_INPUT_<NAME> (upper-cased; strings
 * as is, other values as JSON); STRATA_TASK_DIR holding params.json and inputs.json;
 * STRATA_OUTPUT_FILE, whose JSON (if the program writes it) is the task's output.
 *
 * The program runs in its own process group: a timeout or cancellation (ctx.signal)
 * stops the program and whatever it started (SIGTERM, then SIGKILL after a grace).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandFailedError } from '../errors.js';
import type { JsonValue } from '../definition/flow-definition.js';
import type { CommandOptions, CommandResult, TrackedRun } from '../definition/command-options.js';
import type { TaskContext } from './task-context.js';

const DEFAULT_KILL_GRACE_MS = 5_000;

/** Process groups of programs still running: killed if this process exits (no orphans). */
const running = new Set<number>();
let exitHookInstalled = false;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

function envName(prefix: string, name: string): string {
  return `${prefix}${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

const envValue = (value: JsonValue): string => (typeof value === 'string' ? value : JSON.stringify(value));

export async function runCommand(
  ctx: TaskContext,
  argv: readonly string[],
  options: CommandOptions<unknown>,
  inputs: Readonly<Record<string, JsonValue>>,
): Promise<CommandResult> {
  const [program, ...args] = argv;
  if (program === undefined) throw new CommandFailedError(ctx.taskId, '(none)', 'argv is empty');
  const dir = await mkdtemp(join(tmpdir(), 'strata-command-'));
  const outputFile = join(dir, 'output.json');
  let tracked: TrackedRun | undefined;
  try {
    await writeFile(join(dir, 'params.json'), JSON.stringify(ctx.params));
    await writeFile(join(dir, 'inputs.json'), JSON.stringify(inputs));
    if (options.tracking !== undefined) {
      tracked = await options.tracking.startRun({
        flowId: ctx.flowId,
        runId: ctx.runId,
        taskId: ctx.taskId,
        mapIndex: ctx.mapIndex,
        attempt: ctx.attempt,
      });
    }
    const env: Record<string, string> = { ...(process.env as Record<string, string>), ...options.env };
    for (const [name, value] of Object.entries(ctx.params)) env[envName('STRATA_PARAM_', name)] = envValue(value);
    for (const [name, value] of Object.entries(inputs)) env[envName('STRATA_INPUT_', name)] = envValue(value);
    Object.assign(env, {
      STRATA_FLOW_ID: ctx.flowId,
      STRATA_FLOW_RUN_ID: String(ctx.runId),
      STRATA_TASK_ID: ctx.taskId,
      STRATA_ATTEMPT: String(ctx.attempt),
      STRATA_LOGICAL_DATE: ctx.logicalDate ?? '',
      STRATA_TASK_DIR: dir,
      STRATA_OUTPUT_FILE: outputFile,
    });
    if (tracked !== undefined) {
      Object.assign(env, {
        MLFLOW_TRACKING_URI: tracked.trackingUri,
        MLFLOW_RUN_ID: tracked.runId,
        MLFLOW_EXPERIMENT_ID: tracked.experimentId,
      });
      if (tracked.token !== undefined) env['MLFLOW_TRACKING_TOKEN'] = tracked.token;
    }
    const exit = await spawnProgram(ctx, program, args, env, options);
    const ok = exit.code === 0;
    if (tracked !== undefined) {
      await options.tracking!.endRun(tracked, ok ? 'FINISHED' : exit.stopped ? 'KILLED' : 'FAILED');
    }
    if (!ok) {
      const how = exit.code === null ? `was killed by ${exit.signal ?? 'a signal'}` : `exited with code ${exit.code}`;
      throw new CommandFailedError(ctx.taskId, program, `${how} (its output is in the task's log)`, {
        exitCode: exit.code,
        signal: exit.signal,
      });
    }
    return { exitCode: 0, trackingRunId: tracked?.runId ?? null, output: await readOutput(outputFile, ctx, program) };
  } catch (error) {
    // The program never ran or the tracking call failed: the run must not stay RUNNING.
    if (tracked !== undefined && !(error instanceof CommandFailedError))
      await options.tracking!.endRun(tracked, 'FAILED').catch(() => undefined);
    throw error;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function readOutput(file: string, ctx: TaskContext, program: string): Promise<JsonValue> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return null;
  }
  try {
    return JSON.parse(text) as JsonValue;
  } catch (error) {
    throw new CommandFailedError(ctx.taskId, program, `$STRATA_OUTPUT_FILE is not JSON: ${(error as Error).message}`);
  }
}

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Stopped by us (timeout, cancellation, shutdown). */
  readonly stopped: boolean;
}

function spawnProgram(
  ctx: TaskContext,
  program: string,
  args: readonly string[],
  env: Record<string, string>,
  options: CommandOptions<unknown>,
): Promise<Exit> {
  return new Promise((resolve, reject) => {
    if (ctx.signal.aborted) return reject(new CommandFailedError(ctx.taskId, program, 'aborted before it started'));
    const child = spawn(program, args, {
      env,
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stopped = false;
    let killTimer: NodeJS.Timeout | undefined;
    const pid = child.pid;
    if (pid !== undefined) {
      running.add(pid);
      if (!exitHookInstalled) {
        exitHookInstalled = true;
        process.on('exit', () => running.forEach((group) => killGroup(group, 'SIGKILL')));
      }
    }
    const stop = (): void => {
      if (pid === undefined || stopped) return;
      stopped = true;
      killGroup(pid, 'SIGTERM');
      killTimer = setTimeout(() => killGroup(pid, 'SIGKILL'), options.killGraceMs ?? DEFAULT_KILL_GRACE_MS);
      killTimer.unref();
    };
    ctx.signal.addEventListener('abort', stop, { once: true });
    const flushers = (['stdout', 'stderr'] as const).map((stream) => relayLines(child[stream], ctx, stream));
    child.once('error', (error) => {
      ctx.signal.removeEventListener('abort', stop);
      if (pid !== undefined) running.delete(pid);
      reject(new CommandFailedError(ctx.taskId, program, `did not start: ${error.message}`, {}, { cause: error }));
    });
    child.once('close', (code, signal) => {
      ctx.signal.removeEventListener('abort', stop);
      clearTimeout(killTimer);
      if (pid !== undefined) running.delete(pid);
      flushers.forEach((flush) => flush());
      resolve({ code, signal, stopped });
    });
  });
}

/** Splits a stream into lines for the attempt's log; returns a function that flushes the last partial line. */
function relayLines(stream: NodeJS.ReadableStream, ctx: TaskContext, name: 'stdout' | 'stderr'): () => void {
  let partial = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) ctx.logOutput(line, name);
  });
  return () => {
    if (partial !== '') ctx.logOutput(partial, name);
    partial = '';
  };
}
