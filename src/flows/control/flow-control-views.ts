/**
 * Conversions from status-query rows to FlowControl's plain views: dates become ISO
 * strings and ids numbers, so a view is the same whether it was computed here or
 * came over a control socket as JSON.
 */
import { describeJsonValue, jsonTypePhrase } from '../../core/index.js';
import { expectedMs, isOverdue, type DurationExpectation } from '../scheduling/duration-expectations.js';
import type { JsonValue } from '../definition/flow-definition.js';
import type { RunView, TaskErrorView, TaskView } from './flow-control.js';
import { FlowParamsError } from '../errors.js';
import type { RunSummary, TaskInstanceSummary } from './status-queries.js';
import { TaskState } from '../queue/task-states.js';

export function iso(date: Date | string | null | undefined): string | null {
  if (date === null || date === undefined) return null;
  return (date instanceof Date ? date : new Date(date)).toISOString();
}

export function runView(run: RunSummary): RunView {
  return {
    id: Number(run.id),
    flowId: run.flowId,
    kind: run.kind,
    state: run.state,
    params: (run.params ?? {}) as JsonValue,
    logicalDate: iso(run.logicalDate),
    createdAt: iso(run.createdAt)!,
    startedAt: iso(run.startedAt),
    endedAt: iso(run.endedAt),
    tasksTotal: Number(run.tasksTotal),
    tasksDone: Number(run.tasksTotal) - Number(run.tasksUnfinished),
  };
}

export function taskView(task: TaskInstanceSummary, expectation: DurationExpectation | undefined, now: Date): TaskView {
  const started = task.startedAt === null ? undefined : new Date(task.startedAt).getTime();
  const ended = task.endedAt === null ? undefined : new Date(task.endedAt).getTime();
  const durationMs = started === undefined ? null : (ended ?? now.getTime()) - started;
  return {
    id: Number(task.id),
    taskId: task.taskId,
    mapIndex: Number(task.mapIndex),
    state: task.state,
    attempt: Number(task.attempt),
    maxAttempts: Number(task.maxAttempts),
    startedAt: iso(task.startedAt),
    endedAt: iso(task.endedAt),
    durationMs,
    expectedMs: expectation === undefined ? null : Math.round(expectedMs(expectation, task.inputBytes)),
    overdue:
      task.state === TaskState.running && durationMs !== null && isOverdue(expectation, durationMs, task.inputBytes),
    error: errorView(task.error),
    notice: null,
  };
}

function errorView(error: unknown): TaskErrorView | null {
  if (error === null || error === undefined) return null;
  if (typeof error === 'string') return { message: error };
  if (typeof error !== 'object') return { message: String(error) };
  const e = error as Record<string, unknown>;
  const text = (key: string) => (typeof e[key] === 'string' ? { [key]: e[key] } : {});
  return { ...text('reason'), ...text('name'), ...text('message'), ...text('stack') };
}

/** Command-line values by their parameter's type; unknown names stay strings (trigger refuses them by name). */
export function convertTextParams(
  flowId: string,
  defaults: Readonly<Record<string, JsonValue>>,
  text: Readonly<Record<string, string>>,
): Record<string, JsonValue> {
  const result: Record<string, JsonValue> = {};
  for (const [name, value] of Object.entries(text)) {
    const fallback = defaults[name];
    if (typeof fallback === 'string' || fallback === undefined) result[name] = value;
    else if (typeof fallback === 'number' && value.trim() !== '' && Number.isFinite(Number(value)))
      result[name] = Number(value);
    else if (typeof fallback === 'boolean' && (value === 'true' || value === 'false')) result[name] = value === 'true';
    else {
      try {
        result[name] = JSON.parse(value) as JsonValue;
      } catch {
        throw new FlowParamsError(
          flowId,
          `parameter "${name}" must be ${fallback === null ? 'a JSON value' : jsonTypePhrase(fallback)} like its default (${JSON.stringify(fallback)}), got ${describeJsonValue(value)}, which is not JSON.`,
          { name },
        );
      }
    }
  }
  return result;
}
