/**
 * Checks a flow's structure when it is defined, so that a bad definition never
 * reaches the scheduler, and builds the immutable FlowDefinition: defaults filled in,
 * tasks in topological order (declaration order among tasks ready at the same
 * time, so the order is stable across reloads), and the downstream map. The first
 * problem found is thrown as a FlowDefinitionError naming the flow.
 */
import { Cron } from 'croner';
import { FlowDefinitionError } from '../errors.js';
import type { FlowDefinition, FlowOptions, FlowParams, JsonValue, TaskDefinition } from './flow-definition.js';
import { MANUAL_SCHEDULE, type Schedule } from './schedules.js';

const ID_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,99}$/;
const ID_RULE = 'start with a letter, then up to 99 letters, digits, "_" or "-"';
const DEFAULT_MAX_ACTIVE_RUNS = 16;

export function validateFlow<P extends FlowParams>(
  options: FlowOptions<P>,
  declared: readonly TaskDefinition[],
): FlowDefinition {
  const flowId = String(options.id);
  const fail = (problem: string, details: Record<string, unknown> = {}, cause?: unknown): never => {
    throw new FlowDefinitionError(flowId, problem, details, cause === undefined ? undefined : { cause });
  };
  if (typeof options.id !== 'string' || !ID_PATTERN.test(options.id))
    fail(`the flow id must ${ID_RULE}; rename the flow.`);
  if (declared.length === 0) fail('declares no tasks; add at least one with f.task(...) in the build function.');
  const byId = checkTasks(declared, fail);
  const order = topologicalOrder(declared, byId, fail);
  const schedule = checkSchedule(options.schedule ?? MANUAL_SCHEDULE, fail);
  const params = options.params === undefined ? Object.freeze({}) : checkParams(options.params, fail);
  if (options.catchup !== undefined && typeof options.catchup !== 'boolean')
    fail(`catchup must be true or false, not ${String(options.catchup)}.`);
  const maxActiveRuns = options.maxActiveRuns ?? DEFAULT_MAX_ACTIVE_RUNS;
  if (!Number.isInteger(maxActiveRuns) || maxActiveRuns < 1)
    fail(`maxActiveRuns must be a whole number of at least 1, not ${maxActiveRuns}.`, { maxActiveRuns });
  if (options.startDate !== undefined && !isIsoDate(options.startDate)) {
    fail(
      `startDate "${options.startDate}" is not an ISO 8601 date; write e.g. '2026-01-01' or '2026-01-01T00:00:00Z'.`,
      { startDate: options.startDate },
    );
  }
  const tags = options.tags ?? [];
  if (!Array.isArray(tags) || tags.some((tag) => typeof tag !== 'string')) fail('tags must be a list of strings.');

  const tasks = new Map<string, TaskDefinition>(order.map((task) => [task.id, freezeTask(task)]));
  const downstream = new Map<string, string[]>(order.map((task) => [task.id, []]));
  for (const task of order) for (const up of task.upstream) downstream.get(up)?.push(task.id);
  return Object.freeze({
    kind: 'flow',
    id: flowId,
    ...(options.description === undefined ? {} : { description: options.description }),
    schedule,
    params,
    catchup: options.catchup ?? false,
    ...(options.startDate === undefined ? {} : { startDate: options.startDate }),
    maxActiveRuns,
    tags: Object.freeze([...tags]),
    tasks: frozenMap(tasks),
    downstream: frozenMap(new Map([...downstream].map(([id, ids]) => [id, Object.freeze(ids.sort())]))),
  });
}

type Fail = (problem: string, details?: Record<string, unknown>, cause?: unknown) => never;

function checkTasks(declared: readonly TaskDefinition[], fail: Fail): Map<string, TaskDefinition> {
  const byId = new Map<string, TaskDefinition>();
  for (const task of declared) {
    if (typeof task.id !== 'string' || !ID_PATTERN.test(task.id))
      fail(`task id "${String(task.id)}" is invalid: task ids must ${ID_RULE}.`, { taskId: task.id });
    if (byId.has(task.id))
      fail(`task id "${task.id}" is declared twice; give each task its own id.`, { taskId: task.id });
    byId.set(task.id, task);
  }
  for (const task of declared) {
    for (const up of task.upstream) {
      if (byId.has(up)) continue;
      const [otherFlow, otherTask] = up.includes(':') ? up.split(':', 2) : [];
      if (otherFlow !== undefined)
        fail(
          `task "${task.id}" depends on task "${otherTask}" of another flow ("${otherFlow}"); a task can only depend on tasks of its own flow (use a table-update schedule to chain flows).`,
          { taskId: task.id, upstream: up },
        );
      fail(
        `task "${task.id}" depends on "${up}", which is not declared in this flow; declare it first and pass the reference f.task(...) returned.`,
        { taskId: task.id, upstream: up },
      );
    }
    if (task.mapOver !== undefined && !task.upstream.includes(task.mapOver)) {
      fail(
        `task "${task.id}" maps over "${task.mapOver}", which is not one of its upstream tasks; map over a task reference with f.map(id, ref, ...).`,
        { taskId: task.id, mapOver: task.mapOver },
      );
    }
    const retries = task.retry.retries;
    if (!Number.isInteger(retries) || retries < 0)
      fail(`task "${task.id}" has retries ${retries}; use a whole number of 0 or more.`, { taskId: task.id, retries });
    if (task.retry.delayMs < 0 || task.retry.maxDelayMs < 0)
      fail(`task "${task.id}" has a negative retry delay; use 0 or more milliseconds.`, { taskId: task.id });
    if (task.timeoutMs !== undefined && !(task.timeoutMs > 0))
      fail(
        `task "${task.id}" has timeoutMs ${task.timeoutMs}; use a positive number of milliseconds, or none for no timeout.`,
        { taskId: task.id, timeoutMs: task.timeoutMs },
      );
  }
  return byId;
}

/** Kahn's algorithm; among ready tasks, the earliest declared goes first. */
function topologicalOrder(
  declared: readonly TaskDefinition[],
  byId: ReadonlyMap<string, TaskDefinition>,
  fail: Fail,
): TaskDefinition[] {
  const index = new Map(declared.map((task, i) => [task.id, i]));
  const waiting = new Map(declared.map((task) => [task.id, task.upstream.length]));
  const downstream = new Map<string, string[]>(declared.map((task) => [task.id, []]));
  for (const task of declared) for (const up of task.upstream) downstream.get(up)?.push(task.id);
  const ready = declared.filter((task) => task.upstream.length === 0).map((task) => index.get(task.id) ?? 0);
  const order: TaskDefinition[] = [];
  while (ready.length > 0) {
    const task = declared[ready.shift() ?? 0] as TaskDefinition;
    order.push(task);
    for (const down of downstream.get(task.id) ?? []) {
      const left = (waiting.get(down) ?? 0) - 1;
      waiting.set(down, left);
      if (left === 0) insertSorted(ready, index.get(down) ?? 0);
    }
  }
  if (order.length < declared.length) {
    const cycle = findCycle(
      declared.filter((task) => (waiting.get(task.id) ?? 0) > 0),
      byId,
    );
    fail(`has a dependency cycle: ${cycle.join(' -> ')}; remove one of these dependencies.`, { cycle });
  }
  return order;
}

function insertSorted(list: number[], value: number): void {
  let i = list.length;
  while (i > 0 && (list[i - 1] ?? 0) > value) i--;
  list.splice(i, 0, value);
}

/** Every unordered task still waits on another unordered one, so walking upstream must come back to a task already seen. */
function findCycle(unordered: readonly TaskDefinition[], byId: ReadonlyMap<string, TaskDefinition>): string[] {
  const remaining = new Set(unordered.map((task) => task.id));
  const path: string[] = [];
  let current = unordered[0]?.id;
  while (current !== undefined && !path.includes(current)) {
    path.push(current);
    current = byId.get(current)?.upstream.find((up) => remaining.has(up));
  }
  if (current === undefined) return path;
  // path walks upstream; reversed, it reads in execution order. It starts at its
  // earliest-declared task so the message is the same on every load.
  const cycle = path.slice(path.indexOf(current)).reverse();
  const order = unordered.map((task) => task.id);
  const first = cycle.reduce((best, id, i) => (order.indexOf(id) < order.indexOf(cycle[best] as string) ? i : best), 0);
  const rotated = [...cycle.slice(first), ...cycle.slice(0, first)];
  return [...rotated, rotated[0] as string];
}

function checkSchedule(schedule: Schedule, fail: Fail): Schedule {
  switch (schedule.kind) {
    case 'manual':
      return schedule === MANUAL_SCHEDULE ? schedule : Object.freeze({ kind: 'manual' });
    case 'cron': {
      if (!isTimeZone(schedule.timezone))
        fail(
          `schedule time zone "${schedule.timezone}" is not an IANA time zone; use e.g. 'UTC', 'Europe/Paris' or 'America/New_York'.`,
          { timezone: schedule.timezone },
        );
      let parsed: Cron | undefined;
      try {
        parsed = new Cron(schedule.expression, { timezone: schedule.timezone });
      } catch (error) {
        fail(
          `cron expression "${schedule.expression}" is invalid (${(error as Error).message}); use 5 fields (minute hour day month weekday), e.g. '0 3 * * *'.`,
          { expression: schedule.expression },
          error,
        );
      }
      if (parsed?.nextRun(new Date()) === null)
        fail(
          `cron expression "${schedule.expression}" never fires (no future date matches it); check the day and month fields.`,
          { expression: schedule.expression },
        );
      return Object.freeze({ kind: 'cron', expression: schedule.expression, timezone: schedule.timezone });
    }
    case 'interval':
      if (!Number.isFinite(schedule.everyMs) || schedule.everyMs <= 0)
        fail(`interval schedule of ${schedule.everyMs} ms: the interval must be positive, e.g. every('15m').`, {
          everyMs: schedule.everyMs,
        });
      return Object.freeze({ kind: 'interval', everyMs: schedule.everyMs });
    case 'table':
      if (!Array.isArray(schedule.tables) || schedule.tables.length === 0)
        fail('onTableUpdate() names no tables; pass the catalog names of the tables whose updates start a run.');
      if (schedule.tables.some((table) => typeof table !== 'string' || table.trim() === ''))
        fail('onTableUpdate() got an empty or non-string table name.', { tables: schedule.tables });
      return Object.freeze({ kind: 'table', tables: Object.freeze([...schedule.tables]) });
    default:
      return fail(
        `unknown schedule ${JSON.stringify(schedule)}; build one with cron(), every(), onTableUpdate() or manual().`,
      );
  }
}

function isTimeZone(timezone: unknown): boolean {
  if (typeof timezone !== 'string' || timezone === '') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

function checkParams(params: FlowParams, fail: Fail): FlowParams {
  if (typeof params !== 'object' || params === null || Array.isArray(params))
    fail('params must be an object of name → default value.');
  return jsonCopy(params, 'params', fail, new Set()) as FlowParams;
}

/** A deep frozen copy, refusing what does not survive JSON (undefined, functions, Dates, NaN, cycles...). */
function jsonCopy(value: unknown, path: string, fail: Fail, seen: Set<object>): JsonValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number')
    return Number.isFinite(value)
      ? value
      : fail(`${path} is ${value}, which is not a JSON value; use a finite number or null.`, { path });
  const proto = typeof value === 'object' ? (Object.getPrototypeOf(value) as unknown) : undefined;
  if (
    typeof value === 'object' &&
    !seen.has(value) &&
    (Array.isArray(value) || proto === Object.prototype || proto === null)
  ) {
    // `seen` holds the objects on the current path only: shared (non-circular) values are fine.
    seen.add(value);
    const copy = Array.isArray(value)
      ? value.map((item, i) => jsonCopy(item, `${path}[${i}]`, fail, seen))
      : Object.fromEntries(
          Object.entries(value).map(([key, item]) => [key, jsonCopy(item, `${path}.${key}`, fail, seen)]),
        );
    seen.delete(value);
    return Object.freeze(copy);
  }
  const what =
    typeof value !== 'object'
      ? typeof value
      : seen.has(value)
        ? 'circular reference'
        : `${(value.constructor as { name?: string } | undefined)?.name ?? 'non-plain'} object`;
  return fail(
    `${path} is ${what === 'undefined' ? what : `a ${what}`}, which is not a JSON value; params must be null, booleans, numbers, strings, lists or plain objects (write dates as ISO strings).`,
    { path },
  );
}

function isIsoDate(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(
    value,
  );
  if (match === null || Number.isNaN(Date.parse(value))) return false;
  const [, y, m, d] = match.map(Number);
  const day = new Date(Date.UTC(y ?? 0, (m ?? 1) - 1, d ?? 1));
  return day.getUTCFullYear() === y && day.getUTCMonth() + 1 === m && day.getUTCDate() === d;
}

function freezeTask(task: TaskDefinition): TaskDefinition {
  return Object.freeze({
    ...task,
    upstream: Object.freeze([...task.upstream]),
    inputs: Object.freeze({ ...task.inputs }),
    retry: Object.freeze({ ...task.retry }),
    reads: Object.freeze([...task.reads]),
    writes: Object.freeze([...task.writes]),
  });
}

/** A Map whose mutators throw: Object.freeze does not protect a Map's entries. */
function frozenMap<K, V>(source: Map<K, V>): ReadonlyMap<K, V> {
  const map = new Map(source);
  const refuse = (): never => {
    throw new TypeError('A FlowDefinition is immutable: define the flow again to change it.');
  };
  Object.defineProperties(map, { set: { value: refuse }, delete: { value: refuse }, clear: { value: refuse } });
  return Object.freeze(map);
}
