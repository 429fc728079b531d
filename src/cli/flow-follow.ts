/**
 * Following runs until they end (`--wait`): progress on stderr (tasks done/total,
 * the running tasks, an ETA from duration history, overdue tasks), then one line
 * per run on stdout, and the failed tasks with their error and the user's stack on
 * stderr. Throws FlowRunFailedError when a run failed, so the command exits 1.
 */
import type { FlowControl, RunDetail, TaskView } from '../flows/index.js';
import { FlowRunFailedError } from './errors.js';
import { dateText, durationText, etaText, runDurationMs } from './flow-format.js';
import { progressLine } from './progress-line.js';

const POLL_MS = 250;
const ENDED = new Set(['success', 'failed', 'cancelled']);

export async function followRuns(control: FlowControl, runIds: readonly number[]): Promise<RunDetail[]> {
  const progress = progressLine();
  const ended = new Map<number, RunDetail>();
  try {
    for (;;) {
      const details = await Promise.all(runIds.filter((id) => !ended.has(id)).map((id) => control.run(id)));
      for (const detail of details) if (ENDED.has(detail.run.state)) ended.set(detail.run.id, detail);
      if (ended.size === runIds.length) break;
      const open = details.filter((d) => !ENDED.has(d.run.state));
      if (runIds.length === 1) progress.update(runLabel(open[0]!), open[0]!.run.tasksDone, open[0]!.run.tasksTotal);
      else
        progress.update(
          `runs (${
            open
              .filter((d) => d.run.state === 'running')
              .map((d) => d.run.id)
              .join(', ') || 'none'
          } running)`,
          ended.size,
          runIds.length,
        );
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  } finally {
    progress.stop();
  }
  const results = runIds.map((id) => ended.get(id)!);
  for (const detail of results) reportRun(detail);
  const cancelled = results.filter((d) => d.run.state === 'cancelled');
  if (cancelled.length > 0 && results.every((d) => d.run.state !== 'failed'))
    throw new FlowRunFailedError(
      cancelled.map((d) => d.run.id),
      `${cancelled.length === 1 ? `Run ${cancelled[0]!.run.id} of ${cancelled[0]!.run.flowId} was` : `${cancelled.length} runs were`} cancelled: \`strata flow clear ${cancelled[0]!.run.flowId} --run ${cancelled[0]!.run.id}\` runs its unfinished tasks again.`,
    );
  const failed = results.filter((d) => d.run.state === 'failed');
  if (failed.length > 0) {
    const tasks = failed.flatMap((d) => d.tasks.filter((t) => t.state === 'failed').map((t) => t.taskId));
    throw new FlowRunFailedError(
      failed.map((d) => d.run.id),
      `${failed.length === 1 ? `Run ${failed[0]!.run.id} of ${failed[0]!.run.flowId}` : `${failed.length} runs`} failed` +
        `${tasks.length > 0 ? ` (failed tasks: ${[...new Set(tasks)].join(', ')})` : ''}: \`strata flow status ${failed[0]!.run.flowId} --run ${failed[0]!.run.id}\` shows every task.`,
    );
  }
  return results;
}

function runLabel(detail: RunDetail): string {
  const running = detail.tasks.filter((t) => t.state === 'running' && !isMappedParent(t, detail.tasks));
  const names = [...new Set(running.map((t) => t.taskId))];
  const overdue = running.filter((t) => t.overdue).map((t) => t.taskId);
  const parts = [`run ${detail.run.id} ${detail.run.flowId} ${detail.run.state}`];
  if (names.length > 0)
    parts.push(`running ${names.slice(0, 4).join(', ')}${names.length > 4 ? ` +${names.length - 4}` : ''}`);
  const retrying = [...new Set(detail.tasks.filter((t) => t.state === 'up_for_retry').map((t) => t.taskId))];
  if (retrying.length > 0) parts.push(`retrying ${retrying.join(', ')}`);
  if (detail.liveWorkers === 0 && detail.tasks.some((t) => t.state === 'queued'))
    parts.push('waiting: no worker is running (start `strata worker` or `strata up`)');
  else if (detail.etaMs !== null) parts.push(`ETA ${etaText(detail.etaMs)}`);
  if (overdue.length > 0) parts.push(`OVERDUE ${[...new Set(overdue)].join(', ')}`);
  return parts.join(' · ');
}

function isMappedParent(task: TaskView, tasks: readonly TaskView[]): boolean {
  return task.mapIndex === -1 && tasks.some((t) => t.taskId === task.taskId && t.mapIndex >= 0);
}

function reportRun(detail: RunDetail): void {
  const { run } = detail;
  const date = run.logicalDate === null ? '' : ` [${dateText(run.logicalDate)}]`;
  process.stdout.write(
    `run ${run.id} ${run.flowId}${date} ${run.state} in ${durationText(runDurationMs(run))} (${run.tasksDone}/${run.tasksTotal} tasks)\n`,
  );
  for (const task of detail.tasks.filter((t) => t.state === 'failed')) {
    if (isMappedParent(task, detail.tasks)) continue;
    const name = task.mapIndex >= 0 ? `${task.taskId}[${task.mapIndex}]` : task.taskId;
    const error = task.error;
    const headline = `${error?.name ?? 'Error'}: ${error?.message ?? 'failed'}`;
    // The stack's first line repeats the message.
    const stack = error?.stack?.startsWith(`${error.name ?? ''}`)
      ? error.stack
      : error?.stack === undefined
        ? headline
        : `${headline}\n${error.stack}`;
    process.stderr.write(
      `task ${name} of run ${run.id} failed (attempt ${task.attempt}/${task.maxAttempts}${error?.reason ? `, ${error.reason}` : ''}):\n${indent(stack)}\n`,
    );
  }
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}
