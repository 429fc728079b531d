/**
 * `strata flow run FLOW`: registers the flows in flows/ and triggers a manual run.
 * Where it runs:
 *   - `strata up` (or a worker) owns the embedded warehouse: there, through its
 *     control socket; --wait follows it.
 *   - this process opened the embedded database itself: nobody else could run it,
 *     so it runs here (as with --local) and waits for the end.
 *   - a PostgreSQL server: the run is queued for the workers; --wait follows it,
 *     --local runs it in this process instead (a scheduler and a worker until it ends).
 */
import { InvalidArgumentError as UsageError, type Command } from 'commander';
import { InvalidArgumentError } from '../core/index.js';
import {
  ChildProcessExecutor,
  isLocalEmbedded,
  LocalFlowControl,
  type FlowControl,
  type JsonValue,
} from '../flows/index.js';
import { FlowRunInterruptedError } from './errors.js';
import { connectionOptions, flowsFolder, withControl, type ConnectionOptions } from './flow-connection.js';
import { followRuns } from './flow-follow.js';
import { positiveInteger, property } from './option-parsers.js';

interface RunOptions extends ConnectionOptions {
  readonly param?: Record<string, string>;
  readonly params?: Record<string, JsonValue>;
  readonly wait?: boolean;
  readonly local?: boolean;
  readonly slots?: number;
}

export function registerFlowRunCommand(flow: Command): void {
  connectionOptions(
    flow
      .command('run')
      .description(
        'trigger a manual run of a flow (on the embedded database with no `strata up` running: run it here and wait)',
      ),
  )
    .argument('<flow>', 'the flow id')
    .option('--param <key=value>', 'a parameter, converted to the type of its default (repeatable)', property)
    .option('--params <json>', 'parameters as a JSON object (typed values as written)', jsonObject)
    .option('--wait', 'follow the run until it ends: progress on stderr, exit 1 if it fails')
    .option('--local', 'run it in this process (a scheduler and a worker with child processes) and wait for it')
    .option('--slots <n>', 'with --local: tasks at once (default: the CPU count)', positiveInteger)
    .addHelpText(
      'after',
      `
Examples:
  strata flow run daily_orders --param day=2026-01-31 --wait
  strata flow run daily_orders --params '{"day": "2026-01-31", "regions": ["eu", "us"]}'`,
    )
    .action(async (flowId: string, options: RunOptions) => {
      await withControl(options, async (control) => {
        if (options.local && control.mode === 'remote') {
          throw new InvalidArgumentError(
            `--local: the warehouse is open in another process (${control.target}); run without --local to run it there.`,
          );
        }
        const runHere = options.local === true || isLocalEmbedded(control);
        // The roles stop when withControl closes the FlowSystem (the worker lets running attempts finish).
        if (runHere) await startLocalRoles(control as LocalFlowControl, options.slots);
        else
          for (const problem of (await control.loadFlows(flowsFolder(options))).problems)
            process.stderr.write(`${problem.message}\n`);
        const run = await control.trigger(flowId, options.params ?? {}, options.param ?? {});
        process.stdout.write(`run ${run.runId} of ${flowId} ${run.created ? 'created' : 'exists'} (${run.state})\n`);
        // Nothing would run it: say so now rather than after a silent wait.
        if (!runHere && run.notice !== null)
          process.stderr.write(`${run.notice}; the run waits in the queue until one does.\n`);
        if (!runHere && !options.wait) return;
        // A run this process executes would be left `running` by an exit: Ctrl-C cancels it instead.
        const interrupt = runHere ? cancelOnInterrupt(control, run.runId, flowId) : undefined;
        try {
          await followRuns(control, [run.runId]);
        } catch (error) {
          if (interrupt?.fired !== true) throw error;
        } finally {
          interrupt?.dispose();
        }
        if (interrupt?.fired) throw new FlowRunInterruptedError(run.runId);
      });
    });
}

/** First Ctrl-C: cancel the run (its attempts are stopped) and let the follow end; a second one exits at once. */
function cancelOnInterrupt(
  control: FlowControl,
  runId: number,
  flowId: string,
): { readonly fired: boolean; dispose(): void } {
  const state = { fired: false };
  const onSigint = () => {
    if (state.fired) process.exit(130); // 128 + SIGINT, as ExitCode.interrupted
    state.fired = true;
    process.stderr.write(`\ncancelling run ${runId} of ${flowId} (Ctrl-C again to exit at once)\n`);
    control.manageRun(runId, { kind: 'cancel' }, 'Ctrl-C').then(
      () => process.stdout.write(`cancelled run ${runId} of ${flowId}\n`),
      (error: unknown) => process.stderr.write(`could not cancel run ${runId}: ${(error as Error).message}\n`),
    );
  };
  process.on('SIGINT', onSigint);
  return {
    get fired() {
      return state.fired;
    },
    dispose: () => process.off('SIGINT', onSigint),
  };
}

/** A scheduler (which registers flows/ and prints its problems) and a worker in this process. */
export async function startLocalRoles(control: LocalFlowControl, slots?: number): Promise<void> {
  const { system } = control;
  await system.startScheduler({
    tickMs: 200,
    schedules: false,
    onProblem: (problem) => process.stderr.write(`${problem.message}\n`),
  });
  await system.startWorker({ executor: new ChildProcessExecutor(slots === undefined ? {} : { slots }), pollMs: 200 });
}

function jsonObject(text: string): Record<string, JsonValue> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`expected a JSON object, e.g. '{"day": "2026-01-31"}' (${(error as Error).message}).`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new UsageError(`expected a JSON object, e.g. '{"day": "2026-01-31"}', not ${text}.`);
  return value as Record<string, JsonValue>;
}
