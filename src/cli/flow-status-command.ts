/**
 * `strata flow status FLOW [--run ID]` and `strata flow logs FLOW RUN TASK`: what
 * a flow's runs did, task by task, with expected durations from history, and the
 * log lines its tasks wrote (ctx.log and console output).
 */
import type { Command } from 'commander';
import { FlowNotFoundError, RunNotFoundError, type FlowControl, type RunDetail } from '../flows/index.js';
import { connectionOptions, withControl, type ConnectionOptions } from './flow-connection.js';
import { dateText, durationText, etaText, instancesByTask, runDurationMs, taskLabel } from './flow-format.js';
import { nonNegativeInteger, positiveInteger } from './option-parsers.js';
import { formatTable } from './text-table.js';

interface StatusOptions extends ConnectionOptions {
  readonly run?: number;
  readonly limit: number;
}

interface LogsOptions extends ConnectionOptions {
  readonly mapIndex?: number;
  readonly attempt?: number;
  readonly follow?: boolean;
}

const FOLLOW_POLL_MS = 300;

export function registerFlowStatusCommands(flow: Command): void {
  connectionOptions(
    flow.command('status').description("a flow's recent runs and each task's latest state, or one run's tasks (--run)"),
  )
    .argument('<flow>', 'the flow id')
    .option(
      '--run <id>',
      'show this run: its tasks, attempts, durations against their history, errors',
      positiveInteger,
    )
    .option('--limit <n>', 'runs to show', positiveInteger, 10)
    .action(async (flowId: string, options: StatusOptions) => {
      await withControl(options, (control) =>
        options.run === undefined ? printRuns(control, flowId, options.limit) : printRun(control, flowId, options.run),
      );
    });

  connectionOptions(
    flow.command('logs').description("print a task's log lines (ctx.log and console output) from every attempt"),
  )
    .argument('<flow>', 'the flow id')
    .argument('<run>', 'the run id', positiveInteger)
    .argument('<task>', 'the task id')
    .option('--map-index <n>', 'one instance of a mapped task (default: all of them)', nonNegativeInteger)
    .option('--attempt <n>', 'one attempt only', positiveInteger)
    .option('-f, --follow', 'keep printing new lines until the task finishes')
    .action(async (flowId: string, runId: number, taskId: string, options: LogsOptions) => {
      await withControl(options, async (control) => {
        await checkRunOfFlow(control, flowId, runId);
        let afterId = 0;
        for (;;) {
          const page = await control.logs({
            runId,
            taskId,
            afterId,
            ...(options.mapIndex === undefined ? {} : { mapIndex: options.mapIndex }),
            ...(options.attempt === undefined ? {} : { attempt: options.attempt }),
          });
          for (const l of page.lines) {
            const where = l.mapIndex >= 0 && options.mapIndex === undefined ? ` [${l.mapIndex}]` : '';
            process.stdout.write(`${dateText(l.loggedAt)} #${l.attempt}${where} ${l.stream.padEnd(6)} ${l.line}\n`);
            afterId = l.id;
          }
          // One more read after the task finished: its last lines are written with its result.
          if (!options.follow || (page.finished && page.lines.length === 0)) break;
          if (!page.finished) await new Promise((resolve) => setTimeout(resolve, FOLLOW_POLL_MS));
        }
      });
    });
}

async function printRuns(control: FlowControl, flowId: string, limit: number): Promise<void> {
  const runs = await control.runs(flowId, limit);
  const latest = await control.latestTasks(flowId);
  if (runs.length === 0 && latest.length === 0) {
    const known = (await control.list()).map((f) => f.id);
    if (!known.includes(flowId)) throw new FlowNotFoundError(flowId, known);
  }
  const rows = runs.map((r) => [
    r.id,
    r.kind,
    r.state,
    dateText(r.logicalDate) || '-',
    dateText(r.startedAt) || '-',
    durationText(runDurationMs(r)),
    `${r.tasksDone}/${r.tasksTotal}`,
  ]);
  process.stdout.write(
    `${formatTable([{ name: 'run', type: 'BIGINT' }, { name: 'kind' }, { name: 'state' }, { name: 'logical date' }, { name: 'started' }, { name: 'duration' }, { name: 'tasks' }], rows)}\n`,
  );
  if (latest.length === 0) return;
  process.stdout.write(
    `\nlatest state per task:\n${formatTable(
      [{ name: 'task' }, { name: 'state' }, { name: 'run', type: 'BIGINT' }, { name: 'ended' }],
      latest.map((t) => [t.taskId, t.state, t.runId, dateText(t.endedAt) || '-']),
    )}\n`,
  );
}

async function printRun(control: FlowControl, flowId: string, runId: number): Promise<void> {
  const detail = await checkRunOfFlow(control, flowId, runId);
  const { run } = detail;
  const byTask = instancesByTask(detail.tasks);
  process.stdout.write(
    `run ${run.id} of ${run.flowId}: ${run.state} (${run.kind}${run.logicalDate === null ? '' : `, logical date ${dateText(run.logicalDate)}`}), ` +
      `${run.tasksDone}/${run.tasksTotal} tasks done${run.startedAt === null ? '' : `, ${durationText(runDurationMs(run))}`}` +
      `${detail.etaMs === null ? '' : `, ETA ${etaText(detail.etaMs)}`}\n`,
  );
  const rows = detail.tasks
    .filter((t) => t.mapIndex === -1)
    .map((t) => [
      taskLabel(t, byTask.get(t.taskId) ?? []),
      t.state,
      byTask.has(t.taskId) ? '-' : `${t.attempt}/${t.maxAttempts}`,
      durationText(t.durationMs),
      durationText(t.expectedMs),
      t.overdue ? 'OVERDUE' : '',
      t.error?.message ??
        (byTask.get(t.taskId) ?? []).find((i) => i.error?.message !== undefined)?.error?.message ??
        '',
    ]);
  process.stdout.write(
    `${formatTable([{ name: 'task' }, { name: 'state' }, { name: 'attempt' }, { name: 'duration' }, { name: 'expected' }, { name: 'overdue' }, { name: 'error' }], rows)}\n`,
  );
}

async function checkRunOfFlow(control: FlowControl, flowId: string, runId: number): Promise<RunDetail> {
  const detail = await control.run(runId);
  if (detail.run.flowId !== flowId)
    throw new RunNotFoundError(`${runId} of flow "${flowId}" (run ${runId} belongs to "${detail.run.flowId}")`);
  return detail;
}
