/**
 * `strata flow <command>`: list, run, follow and manage the warehouse's flows. Each
 * command goes through FlowControl: the database directly, or the process that owns
 * an embedded warehouse (`strata up`) through its control socket.
 */
import type { Command } from 'commander';
import { nextTick, type FlowRow } from '../flows/index.js';
import { FlowProblemsError } from './errors.js';
import { registerFlowBackfillCommand } from './flow-backfill-command.js';
import { registerFlowCheckCommand } from './flow-check-command.js';
import { missingFolderNote, noFlowsHint } from './flow-hints.js';
import { connectionOptions, flowsFolder, withControl, type ConnectionOptions } from './flow-connection.js';
import { dateText, scheduleText } from './flow-format.js';
import { registerFlowManageCommands } from './flow-manage-commands.js';
import { registerFlowRunCommand } from './flow-run-command.js';
import { registerFlowStatusCommands } from './flow-status-command.js';
import { nonNegativeInteger } from './option-parsers.js';
import { formatTable } from './text-table.js';

export function registerFlowCommand(program: Command): void {
  const flow = program
    .command('flow')
    .description("list, run, follow and manage the flows in the warehouse's flows/ folder");

  connectionOptions(
    flow
      .command('list')
      .description('load flows/, register every valid flow, and list them; exits 1 when a flow file has problems'),
  )
    .option('--json', 'print JSON: {flows, problems} (problems still exit 1)')
    .action(async (options: ConnectionOptions & { json?: boolean }) => {
      await withControl(options, async (control) => {
        const report = await control.loadFlows(flowsFolder(options));
        const flows = await control.list();
        if (options.json) {
          process.stdout.write(`${JSON.stringify({ flows, problems: report.problems }, null, 2)}\n`);
          if (report.problems.length > 0) throw new FlowProblemsError(report.problems.length, report.directory);
          return;
        }
        if (flows.length === 0 && report.problems.length === 0) {
          process.stdout.write(noFlowsHint(report.directory));
          return;
        }
        const rows = flows.map((f) => [
          f.id,
          scheduleText(f.schedule),
          f.paused ? 'yes' : 'no',
          nextRunText(f),
          f.lastRun === null ? '-' : `${f.lastRun.state} (run ${f.lastRun.id})`,
          f.tasks,
        ]);
        process.stdout.write(
          `${formatTable([{ name: 'flow' }, { name: 'schedule' }, { name: 'paused' }, { name: 'next run' }, { name: 'last run' }, { name: 'tasks', type: 'INTEGER' }], rows)}\n`,
        );
        process.stderr.write(missingFolderNote(report.directory) ?? '');
        for (const problem of report.problems) process.stderr.write(`${problem.message}\n`);
        if (report.problems.length > 0) throw new FlowProblemsError(report.problems.length, report.directory);
      });
    });

  registerFlowRunCommand(flow);
  registerFlowStatusCommands(flow);
  registerFlowBackfillCommand(flow);
  registerFlowCheckCommand(flow);
  registerFlowManageCommands(flow);

  for (const [name, paused] of [
    ['pause', true],
    ['unpause', false],
  ] as const) {
    connectionOptions(
      flow
        .command(name)
        .description(
          paused
            ? 'stop creating scheduled runs of a flow (runs in progress finish)'
            : 'resume scheduled runs of a paused flow',
        ),
    )
      .argument('<flow>', 'the flow id')
      .action(async (flowId: string, options: ConnectionOptions) => {
        await withControl(options, async (control) => {
          await control.pause(flowId, paused);
          process.stdout.write(`${paused ? 'paused' : 'unpaused'} ${flowId}\n`);
        });
      });
  }

  const pool = flow.command('pool').description('pools limit how many tasks in them run at once');
  connectionOptions(pool.command('set').description('create a pool or change its slots'))
    .argument('<name>', 'the pool name (tasks name it with `pool`)')
    .argument('<slots>', 'tasks of the pool running at once', nonNegativeInteger)
    .action(async (name: string, slots: number, options: ConnectionOptions) => {
      await withControl(options, async (control) => {
        await control.setPool(name, slots);
        process.stdout.write(`pool ${name}: ${slots} slot${slots === 1 ? '' : 's'}\n`);
      });
    });
  connectionOptions(
    pool.command('list').description('every pool with its slots and the tasks holding or waiting for one'),
  )
    .option('--json', 'print JSON: [{name, slots, description, used, running, queued, waiting}]')
    .action(async (options: ConnectionOptions & { json?: boolean }) => {
      await withControl(options, async (control) => {
        const pools = await control.pools();
        if (options.json) return void process.stdout.write(`${JSON.stringify(pools, null, 2)}\n`);
        if (pools.length === 0)
          return void process.stdout.write('no pools (`strata flow pool set NAME SLOTS` creates one)\n');
        process.stdout.write(
          `${formatTable(
            [
              { name: 'pool' },
              ...['used', 'slots', 'running', 'queued', 'waiting'].map((name) => ({ name, type: 'INTEGER' })),
            ],
            pools.map((p) => [p.name, p.used, p.slots, p.running, p.queued, p.waiting]),
          )}\n`,
        );
      });
    });
}

/** The scheduler's next tick; before a scheduler ran, a cron flow's next tick from now. */
function nextRunText(flow: FlowRow): string {
  if (flow.paused) return '-';
  if (flow.nextTickAt !== null) return dateText(flow.nextTickAt);
  return flow.schedule.kind === 'cron' ? dateText(nextTick(flow.schedule, new Date())?.toISOString()) || '-' : '-';
}
