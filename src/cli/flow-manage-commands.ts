/**
 * `strata flow cancel|clear|mark-failed|mark-success FLOW --run N [--task T]`: what a
 * user does to a run after it started. Through FlowControl, so from another terminal
 * they reach the `strata up` that owns the warehouse; a running attempt of a
 * cancelled run is stopped by its worker within a poll.
 */
import { Option, type Command } from 'commander';
import { RunNotFoundError, type FlowControl, type RunAction } from '../flows/index.js';
import { connectionOptions, withControl, type ConnectionOptions } from './flow-connection.js';
import { nonNegativeInteger, positiveInteger } from './option-parsers.js';

interface ManageOptions extends ConnectionOptions {
  readonly run: number;
  readonly task?: string;
  readonly mapIndex?: number;
  readonly json?: boolean;
}

const runOption = () =>
  new Option('--run <id>', 'the run id (`strata flow status FLOW` lists them)')
    .argParser(positiveInteger)
    .makeOptionMandatory();

export function registerFlowManageCommands(flow: Command): void {
  connectionOptions(
    flow
      .command('cancel')
      .description('cancel a queued or running run: running attempts are stopped, the rest never start'),
  )
    .argument('<flow>', 'the flow id')
    .addOption(runOption())
    .option('--json', 'print the run as JSON')
    .action((flowId: string, options: ManageOptions) => manage(flowId, options, { kind: 'cancel' }));

  connectionOptions(
    flow
      .command('clear')
      .description(
        "re-run a finished run's failed, upstream_failed and cancelled tasks (or --task T) and everything downstream of them",
      ),
  )
    .argument('<flow>', 'the flow id')
    .addOption(runOption())
    .option('--task <id>', 'clear this task (whatever its state) and its downstream instead')
    .option('--json', 'print the run as JSON')
    .action((flowId: string, options: ManageOptions) =>
      manage(flowId, options, { kind: 'clear', ...(options.task === undefined ? {} : { taskId: options.task }) }),
    );

  for (const state of ['failed', 'success'] as const) {
    connectionOptions(
      flow
        .command(`mark-${state}`)
        .description(`mark a run (or one task with --task) ${state}; unfinished work of a marked run stops`),
    )
      .argument('<flow>', 'the flow id')
      .addOption(runOption())
      .option('--task <id>', `mark only this task ${state} (its downstream moves on as if it ended so)`)
      .option('--map-index <n>', 'with --task: one instance of a mapped task', nonNegativeInteger)
      .option('--json', 'print the run as JSON')
      .action((flowId: string, options: ManageOptions) =>
        manage(flowId, options, {
          kind: 'mark',
          state,
          ...(options.task === undefined ? {} : { taskId: options.task }),
          ...(options.mapIndex === undefined ? {} : { mapIndex: options.mapIndex }),
        }),
      );
  }
}

async function manage(flowId: string, options: ManageOptions, action: RunAction): Promise<void> {
  await withControl(options, async (control) => {
    await checkRunOfFlow(control, flowId, options.run);
    const result = await control.manageRun(options.run, action, 'cli');
    if (options.json) {
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      return;
    }
    const what = `run ${options.run} of ${flowId}`;
    const task = action.kind !== 'cancel' && action.taskId !== undefined ? action.taskId : undefined;
    const label =
      task === undefined
        ? what
        : `task ${task}${options.mapIndex === undefined ? '' : `[${options.mapIndex}]`} of ${what}`;
    switch (action.kind) {
      case 'cancel':
        process.stdout.write(`cancelled ${what}\n`);
        break;
      case 'clear':
        process.stdout.write(`cleared ${result.cleared.join(', ')} of ${what}: ${result.run.state} again\n`);
        break;
      case 'mark':
        process.stdout.write(`marked ${label} ${action.state} (run ${result.run.state})\n`);
    }
  });
}

async function checkRunOfFlow(control: FlowControl, flowId: string, runId: number): Promise<void> {
  const detail = await control.run(runId);
  if (detail.run.flowId !== flowId)
    throw new RunNotFoundError(`${runId} of flow "${flowId}" (run ${runId} belongs to "${detail.run.flowId}")`);
}
