/**
 * `strata flow status FLOW [--run ID]` and `strata flow logs FLOW RUN TASK`: what
 * a flow's runs did, task by task, with expected durations from history, and the
 * log lines its tasks wrote (ctx.log and console output).
 */
import type { Command } from 'commander';
import {
  FlowNotFoundError,
  RunNotFoundError,
  type AttemptErrorView,
  type FlowControl,
  type RunDetail,
} from '../flows/index.js';
import { connectionOptions, withControl, type ConnectionOptions } from './flow-connection.js';
import { dateText, durationText, etaText, instancesByTask, runDurationMs, taskLabel } from './flow-format.js';
import { nonNegativeInteger, positiveInteger } from './option-parsers.js';
import { formatTable } from './text-table.js';

export const NO_WORKER_HINT =
  'no worker is running: start one with `strata worker` (or `strata up`, which runs a scheduler and a worker).';

interface StatusOptions extends ConnectionOptions {
  readonly run?: number;
  readonly limit: number;
  readonly json?: boolean;
}

interface LogsOptions extends ConnectionOptions {
  readonly mapIndex?: number;
  readonly attempt?: number;
  readonly follow?: boolean;
  readonly json?: boolean;
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
    .option('--json', 'print JSON: {runs, latestTasks}, or with --run the run detail (docs/flows-states.md)')
    .action(async (flowId: string, options: StatusOptions) => {
      await withControl(options, async (control) => {
        if (options.run !== undefined && options.json)
          return printJson(await checkRunOfFlow(control, flowId, options.run));
        if (options.run !== undefined) return printRun(control, flowId, options.run);
        return printRuns(control, flowId, options.limit, options.json === true);
      });
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
    .option('--json', 'print JSON: {lines, errors, state, finished} (not with --follow)')
    .action(async (flowId: string, runId: number, taskId: string, options: LogsOptions) => {
      await withControl(options, async (control) => {
        await checkRunOfFlow(control, flowId, runId);
        const selection = {
          runId,
          taskId,
          ...(options.mapIndex === undefined ? {} : { mapIndex: options.mapIndex }),
          ...(options.attempt === undefined ? {} : { attempt: options.attempt }),
        };
        if (options.json) return printJson(await control.logs(selection));
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
          if (!options.follow || (page.finished && page.lines.length === 0)) {
            printAttemptErrors(page.errors, options.mapIndex === undefined);
            break;
          }
          if (!page.finished) await new Promise((resolve) => setTimeout(resolve, FOLLOW_POLL_MS));
        }
      });
    });
}

function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** A failed attempt's error after the log lines: `#2 [1] error  Error: message`, then its stack indented. */
function printAttemptErrors(errors: readonly AttemptErrorView[], showMapIndex: boolean): void {
  for (const e of errors) {
    const where = e.mapIndex >= 0 && showMapIndex ? ` [${e.mapIndex}]` : '';
    process.stdout.write(`${dateText(e.endedAt)} #${e.attempt}${where} error  ${errorText(e)}\n`);
  }
}

async function printRuns(control: FlowControl, flowId: string, limit: number, json: boolean): Promise<void> {
  const runs = await control.runs(flowId, limit);
  const latest = await control.latestTasks(flowId);
  if (runs.length === 0 && latest.length === 0) {
    const known = (await control.list()).map((f) => f.id);
    if (!known.includes(flowId)) throw new FlowNotFoundError(flowId, known);
  }
  if (json) return printJson({ runs, latestTasks: latest });
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
      t.notice ??
        firstLine(
          t.error?.message ??
            (byTask.get(t.taskId) ?? []).find((i) => i.error?.message !== undefined)?.error?.message ??
            '',
        ),
    ]);
  process.stdout.write(
    `${formatTable([{ name: 'task' }, { name: 'state' }, { name: 'attempt' }, { name: 'duration' }, { name: 'expected' }, { name: 'overdue' }, { name: 'error' }], rows)}\n`,
  );
  // Each failed instance's last error in full (a mapped task's row only counts them).
  const failed = detail.tasks.filter(
    (t) =>
      (t.state === 'failed' || (t.state === 'cancelled' && t.error !== null)) &&
      !(t.mapIndex === -1 && byTask.has(t.taskId)),
  );
  if (failed.length > 0) process.stdout.write('\nerrors:\n');
  for (const t of failed) {
    const name = t.mapIndex >= 0 ? `${t.taskId}[${t.mapIndex}]` : t.taskId;
    const error =
      t.error === null
        ? 'failed'
        : errorText({ name: t.error.name ?? null, message: t.error.message ?? null, stack: t.error.stack ?? null });
    process.stdout.write(
      `${name} (attempt ${t.attempt}/${t.maxAttempts}${t.error?.reason ? `, ${t.error.reason}` : ''}): ${error}\n`,
    );
  }
  if (detail.liveWorkers === 0 && detail.tasks.some((t) => t.state === 'queued'))
    process.stdout.write(`\n${NO_WORKER_HINT}\n`);
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}

/** `Name: message`, then the user's stack frames indented (the stack's first line repeats the message). */
function errorText(e: Pick<AttemptErrorView, 'name' | 'message' | 'stack'>): string {
  const headline = `${e.name ?? 'Error'}: ${e.message ?? ''}`;
  const frames = (e.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l));
  return [headline, ...frames.map((f) => `    ${f.trim()}`)].join('\n');
}

async function checkRunOfFlow(control: FlowControl, flowId: string, runId: number): Promise<RunDetail> {
  const detail = await control.run(runId);
  if (detail.run.flowId !== flowId)
    throw new RunNotFoundError(`${runId} of flow "${flowId}" (run ${runId} belongs to "${detail.run.flowId}")`);
  return detail;
}
