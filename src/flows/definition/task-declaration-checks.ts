/**
 * Checks what a flow file passes to f.task(...) and f.map(...) before the builder reads
 * it. Flow files are often plain JavaScript or loosely typed, and a wrong shape (a task
 * id string where a reference goes, `after: 'extract'` instead of `after: [extract]`, a
 * retries count as text) would otherwise turn into a confusing dependency ("task
 * undefined") or a silently different task. Each message names the task and says what
 * to write instead.
 */
import { FlowDefinitionError } from '../errors.js';
import { TriggerRule } from '../queue/task-states.js';

export interface Declaration {
  readonly flowId: string;
  readonly id: unknown;
  /** `f.task` or `f.map`, as the message names the call. */
  readonly call: 'task' | 'map';
  readonly options: unknown;
  readonly run: unknown;
  /** f.map's list to map over. */
  readonly over?: unknown;
}

export function checkDeclaration(declaration: Declaration): void {
  const { flowId, call } = declaration;
  const taskId = typeof declaration.id === 'string' ? declaration.id : String(declaration.id);
  const fail = (problem: string, details: Record<string, unknown> = {}): never => {
    throw new FlowDefinitionError(flowId, `task "${taskId}": ${problem}`, { taskId, ...details });
  };
  if (typeof declaration.id !== 'string')
    fail(
      `the task id is ${describe(declaration.id)}; the first argument of f.${call}(...) is the task's id, a string.`,
    );
  if (call === 'map' && !isTaskRef(declaration.over))
    fail(
      `the list to map over is ${describe(declaration.over)}, not a task reference; pass what f.task(...) returned for the task whose output is the list: f.map('${taskId}', items, ...).`,
    );
  const options = declaration.options;
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    fail(
      `the options are ${describe(options)}; write f.${call}('${taskId}', ${call === 'map' ? 'items, ' : ''}{ ... }, async (ctx) => ...) or leave the options out.`,
    );
  if (typeof declaration.run !== 'function')
    fail(
      `the task's function is ${describe(declaration.run)}; the last argument of f.${call}(...) is the function the task runs.`,
    );
  checkOptions(options as Record<string, unknown>, fail);
}

function checkOptions(options: Record<string, unknown>, fail: (problem: string) => never): void {
  const { after, inputs } = options;
  if (after !== undefined) {
    if (!Array.isArray(after))
      fail(
        `after is ${describe(after)}, not a list of task references; write after: [${refHint(after)}] with the value f.task(...) returned.`,
      );
    (after as unknown[]).forEach((item, i) => {
      if (!isTaskRef(item))
        fail(
          `after[${i}] is ${describe(item)}, not a task reference; write after: [${refHint(item)}] with the value f.task(...) returned.`,
        );
    });
  }
  if (inputs !== undefined) {
    if (typeof inputs !== 'object' || inputs === null || Array.isArray(inputs))
      fail(
        `inputs is ${describe(inputs)}; write inputs: { name: ref } where ref is the value f.task(...) returned (the task receives its output as name).`,
      );
    for (const [name, item] of Object.entries(inputs as object))
      if (!isTaskRef(item))
        fail(
          `inputs.${name} is ${describe(item)}, not a task reference; write inputs: { ${name}: ${refHint(item)} } with the value f.task(...) returned.`,
        );
  }
  checkSettings(options, fail);
  const { triggerRule, reads, writes, description } = options;
  if (triggerRule !== undefined && !Object.values(TriggerRule).includes(triggerRule as TriggerRule))
    fail(`triggerRule is ${describe(triggerRule)}; use one of ${Object.values(TriggerRule).join(', ')}.`);
  for (const [key, value] of [
    ['reads', reads],
    ['writes', writes],
  ] as const)
    if (value !== undefined && (!Array.isArray(value) || value.some((table) => typeof table !== 'string')))
      fail(`${key} is ${describe(value)}; write a list of catalog table names (${key}: ['main.orders']).`);
  if (description !== undefined && typeof description !== 'string')
    fail(`description is ${describe(description)}; write a string.`);
}

/** A flow's `defaults` for every task: the same rules as a task's own settings. */
export function checkFlowDefaults(flowId: string, defaults: unknown): void {
  const fail = (problem: string): never => {
    throw new FlowDefinitionError(flowId, `defaults: ${problem}`);
  };
  if (defaults === undefined) return;
  if (typeof defaults !== 'object' || defaults === null || Array.isArray(defaults))
    fail(`defaults is ${describe(defaults)}; write an object, e.g. defaults: { retries: 2, timeoutMs: 60_000 }.`);
  checkSettings(defaults as Record<string, unknown>, fail);
}

/** The settings a task and a flow's defaults share. */
function checkSettings(options: Record<string, unknown>, fail: (problem: string) => never): void {
  const { retries, timeoutMs, priority, pool } = options;
  if (retries !== undefined && typeof retries !== 'number' && (typeof retries !== 'object' || retries === null))
    fail(
      `retries is ${describe(retries)}; write a number of retries (retries: 3) or a policy (retries: { retries: 3, delayMs: 1000 }).`,
    );
  if (timeoutMs !== undefined && typeof timeoutMs !== 'number')
    fail(`timeoutMs is ${describe(timeoutMs)}; write a number of milliseconds (timeoutMs: 60_000).`);
  if (priority !== undefined && (typeof priority !== 'number' || !Number.isFinite(priority)))
    fail(`priority is ${describe(priority)}; write a number (higher runs first).`);
  if (pool !== undefined && typeof pool !== 'string') fail(`pool is ${describe(pool)}; write the pool's name.`);
}

export function isTaskRef(value: unknown): boolean {
  const ref = value as { kind?: unknown; taskId?: unknown; flowId?: unknown } | null;
  return (
    typeof ref === 'object' &&
    ref !== null &&
    ref.kind === 'task-ref' &&
    typeof ref.taskId === 'string' &&
    typeof ref.flowId === 'string'
  );
}

/** A task id written where its reference goes suggests the variable to use instead. */
function refHint(value: unknown): string {
  return typeof value === 'string' && /^[A-Za-z_$][\w$]*$/.test(value) ? value : 'ref';
}

function describe(value: unknown): string {
  if (value === undefined || value === null) return String(value);
  if (typeof value === 'string') return `the string "${value}"`;
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object') return 'an object';
  return `the ${typeof value} ${String(value)}`;
}
