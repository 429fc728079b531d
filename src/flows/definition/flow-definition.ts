/**
 * Defining flows: `defineFlow(options, (f) => { ... })` builds an immutable
 * FlowDefinition. Tasks are declared through the builder `f`, which hands back a
 * typed reference per task; passing references as `inputs` (or `map` over one)
 * both declares the dependency and types what the task receives:
 *
 *   export default defineFlow({ id: 'daily_orders', schedule: cron('0 3 * * *', { timezone: 'Europe/Paris' }) }, (f) => {
 *     const days = f.task('list_days', async () => ['2026-01-01', '2026-01-02']);
 *     const counts = f.map('count_day', days, async (ctx, day) => countOrders(day));      // one instance per day
 *     f.task('report', { inputs: { counts } }, async (ctx, { counts }) => sum(counts));  // counts: number[]
 *   });
 *
 * The structure is validated when the flow is defined (flow-validation.ts): a bad
 * definition never reaches the scheduler.
 */
import type { JsonValue } from '../../core/index.js';
import type { Schedule } from './schedules.js';
import type { TaskContext } from '../execution/task-context.js';
import { TriggerRule } from '../queue/task-states.js';
import { FlowDefinitionError } from '../errors.js';
import { validateFlow } from './flow-validation.js';
import { checkDeclaration, checkFlowDefaults } from './task-declaration-checks.js';
import type { CommandOptions, CommandResult } from './command-options.js';
import { runCommand } from '../execution/command-runner.js';

/** Values that cross process boundaries and are stored in the metadata database (core's shared type). */
export type { JsonValue };
export type FlowParams = Readonly<Record<string, JsonValue>>;

/** A typed handle on a declared task: its id, and (at the type level only) its output type. */
export interface TaskRef<Output> {
  readonly kind: 'task-ref';
  readonly flowId: string;
  readonly taskId: string;
  /** Type-level only: never set. */
  readonly output?: Output;
}

export interface RetryPolicy {
  /** Attempts after the first (0: no retries). */
  readonly retries: number;
  /** Delay before the first retry. */
  readonly delayMs: number;
  /** `exponential` doubles the delay at each retry, up to maxDelayMs. */
  readonly backoff: 'fixed' | 'exponential';
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  retries: 0,
  delayMs: 1_000,
  backoff: 'exponential',
  maxDelayMs: 10 * 60_000,
};

/** Options every task accepts (also settable as flow-wide defaults). */
export interface TaskSettings {
  /** A number of retries, or the whole policy. */
  readonly retries?: number | Partial<RetryPolicy>;
  /** The attempt is stopped (its process killed) after this long, and counts as failed. */
  readonly timeoutMs?: number;
  /** Higher runs first among queued tasks (default 0). */
  readonly priority?: number;
  /** A named pool limits how many tasks in it run at once (pools are created with slots). */
  readonly pool?: string;
}

export interface TaskOptions<Inputs> extends TaskSettings {
  /** Upstream tasks whose outputs this task receives, by name. */
  readonly inputs?: { readonly [K in keyof Inputs]: TaskRef<Inputs[K]> };
  /** Upstream tasks that must finish first, without passing their outputs. */
  readonly after?: readonly TaskRef<unknown>[];
  readonly triggerRule?: TriggerRule;
  /** Lake tables (catalog names) the task reads and writes: recorded as lineage per run. */
  readonly reads?: readonly string[];
  readonly writes?: readonly string[];
  readonly description?: string;
}

export type TaskFunction<Params, Inputs, Output> = (
  ctx: TaskContext<Params>,
  inputs: Inputs,
) => Promise<Output> | Output;
export type MapTaskFunction<Params, Item, Inputs, Output> = (
  ctx: TaskContext<Params>,
  item: Item,
  inputs: Inputs,
) => Promise<Output> | Output;

/** A task as stored in a definition (no types: the builder's generics checked them). */
export interface TaskDefinition {
  readonly id: string;
  /** Every upstream task id (inputs, after and map source), sorted. */
  readonly upstream: readonly string[];
  /** Input name → upstream task id. */
  readonly inputs: Readonly<Record<string, string>>;
  /** For a mapped task: the upstream whose output (a list) it runs over, one instance per element. */
  readonly mapOver?: string;
  readonly triggerRule: TriggerRule;
  readonly retry: RetryPolicy;
  readonly timeoutMs?: number;
  readonly priority: number;
  readonly pool?: string;
  readonly reads: readonly string[];
  readonly writes: readonly string[];
  readonly description?: string;
  readonly run: (
    ctx: TaskContext<FlowParams>,
    inputs: Readonly<Record<string, JsonValue>>,
    item?: JsonValue,
  ) => Promise<unknown>;
}

export interface FlowOptions<Params extends FlowParams> {
  /** Stable identifier: letters, digits, `_` and `-`. */
  readonly id: string;
  readonly description?: string;
  /** When runs are created; without one, the flow runs when triggered. */
  readonly schedule?: Schedule;
  /** Parameters with their defaults; a run may override them (unknown names are refused). */
  readonly params?: Params;
  /** Create runs for every interval missed since startDate / the last run (default false: only the latest). */
  readonly catchup?: boolean;
  /** The first logical date a schedule covers (ISO 8601); default: when the flow is first registered. */
  readonly startDate?: string;
  /** Runs of this flow running at once (default 16). */
  readonly maxActiveRuns?: number;
  /** Defaults for every task. */
  readonly defaults?: TaskSettings;
  readonly tags?: readonly string[];
}

export interface FlowDefinition {
  readonly kind: 'flow';
  readonly id: string;
  readonly description?: string;
  readonly schedule: Schedule;
  readonly params: FlowParams;
  readonly catchup: boolean;
  readonly startDate?: string;
  readonly maxActiveRuns: number;
  readonly tags: readonly string[];
  /** In topological order (upstreams first). */
  readonly tasks: ReadonlyMap<string, TaskDefinition>;
  /** Task id → the ids of tasks directly downstream of it. */
  readonly downstream: ReadonlyMap<string, readonly string[]>;
  /** The module the flow was loaded from (set by the loader; child-process executors import it). */
  readonly sourceFile?: string;
}

export interface FlowBuilder<Params extends FlowParams> {
  task<Output>(id: string, run: TaskFunction<Params, Record<string, never>, Output>): TaskRef<Awaited<Output>>;
  task<Inputs, Output>(
    id: string,
    options: TaskOptions<Inputs>,
    run: TaskFunction<Params, Inputs, Output>,
  ): TaskRef<Awaited<Output>>;
  /** One task instance per element of `over`'s output (known only at run time); downstreams receive the list of outputs. */
  map<Item, Inputs, Output>(
    id: string,
    over: TaskRef<readonly Item[]>,
    options: TaskOptions<Inputs>,
    run: MapTaskFunction<Params, Item, Inputs, Output>,
  ): TaskRef<Awaited<Output>[]>;
  map<Item, Output>(
    id: string,
    over: TaskRef<readonly Item[]>,
    run: MapTaskFunction<Params, Item, Record<string, never>, Output>,
  ): TaskRef<Awaited<Output>[]>;
  /**
   * A task that runs a program (`['python3', 'train.py']`): params and inputs reach it as
   * environment variables and files, its stdout/stderr become the task's log, exit code 0
   * is success; with `tracking`, it logs into a fresh MLflow run (MLFLOW_RUN_ID).
   */
  command<Inputs = Record<string, never>>(
    id: string,
    argv: readonly string[],
    options?: CommandOptions<Inputs>,
  ): TaskRef<CommandResult>;
}

// Defined beside the schedules so validation (which defineFlow calls) need not import this file.
export { MANUAL_SCHEDULE } from './schedules.js';

export function defineFlow<Params extends FlowParams = Record<string, never>>(
  options: FlowOptions<Params>,
  build: (f: FlowBuilder<Params>) => void,
): FlowDefinition {
  checkFlowDefaults(String(options.id), options.defaults);
  const declared: TaskDefinition[] = [];
  const settingsDefaults = options.defaults ?? {};
  const ref = <T>(taskId: string): TaskRef<T> => ({ kind: 'task-ref', flowId: options.id, taskId });
  // A reference to another flow's task keeps its flow ("flow:task", never a valid task
  // id) so validation refuses it by name instead of matching a same-named local task.
  const refId = (r: TaskRef<unknown>): string => (r.flowId === options.id ? r.taskId : `${r.flowId}:${r.taskId}`);

  const declare = (
    id: string,
    opts: TaskOptions<Record<string, unknown>>,
    run: TaskDefinition['run'],
    mapOver?: TaskRef<unknown>,
  ): void => {
    const inputs: Record<string, string> = {};
    for (const [name, upstream] of Object.entries(opts.inputs ?? {}))
      inputs[name] = refId(upstream as TaskRef<unknown>);
    const upstream = new Set<string>([...Object.values(inputs), ...(opts.after ?? []).map(refId)]);
    if (mapOver !== undefined) upstream.add(refId(mapOver));
    declared.push({
      id,
      upstream: [...upstream].sort(),
      inputs,
      ...(mapOver === undefined ? {} : { mapOver: refId(mapOver) }),
      triggerRule: opts.triggerRule ?? TriggerRule.allSuccess,
      retry: retryPolicy(opts.retries ?? settingsDefaults.retries),
      ...((opts.timeoutMs ?? settingsDefaults.timeoutMs) !== undefined
        ? { timeoutMs: opts.timeoutMs ?? settingsDefaults.timeoutMs }
        : {}),
      priority: opts.priority ?? settingsDefaults.priority ?? 0,
      ...((opts.pool ?? settingsDefaults.pool) !== undefined ? { pool: opts.pool ?? settingsDefaults.pool } : {}),
      reads: [...(opts.reads ?? [])],
      writes: [...(opts.writes ?? [])],
      ...(opts.description === undefined ? {} : { description: opts.description }),
      run,
    });
  };

  const builder = {
    task(id: string, a: unknown, b?: unknown) {
      const [opts, run] = (typeof a === 'function' ? [{}, a] : [a, b]) as [
        TaskOptions<Record<string, unknown>>,
        TaskFunction<FlowParams, Record<string, JsonValue>, unknown>,
      ];
      checkDeclaration({ flowId: String(options.id), id, call: 'task', options: opts, run });
      declare(id, opts, async (ctx, inputs) => run(ctx, inputs));
      return ref(id);
    },
    map(id: string, over: TaskRef<unknown>, a: unknown, b?: unknown) {
      const [opts, run] = (typeof a === 'function' ? [{}, a] : [a, b]) as [
        TaskOptions<Record<string, unknown>>,
        MapTaskFunction<FlowParams, JsonValue, Record<string, JsonValue>, unknown>,
      ];
      checkDeclaration({ flowId: String(options.id), id, call: 'map', options: opts, run, over });
      declare(id, opts, async (ctx, inputs, item) => run(ctx, item ?? null, inputs), over);
      return ref(id);
    },
    command(id: string, argv: readonly string[], opts: CommandOptions<Record<string, unknown>> = {}) {
      if (!Array.isArray(argv) || argv.length === 0 || !argv.every((a) => typeof a === 'string'))
        throw new FlowDefinitionError(
          String(options.id),
          `task "${id}": f.command's argv must be a non-empty list of strings, e.g. ['python3', 'train.py']`,
        );
      const program = [...argv];
      const run: TaskDefinition['run'] = (ctx, inputs) => runCommand(ctx, program, opts, inputs);
      checkDeclaration({ flowId: String(options.id), id, call: 'task', options: opts, run });
      declare(id, opts, run);
      return ref(id);
    },
  } as FlowBuilder<Params>;
  build(builder);
  return validateFlow(options, declared);
}

export function retryPolicy(setting: number | Partial<RetryPolicy> | undefined): RetryPolicy {
  if (setting === undefined) return DEFAULT_RETRY;
  if (typeof setting === 'number') return { ...DEFAULT_RETRY, retries: setting };
  return { ...DEFAULT_RETRY, ...setting };
}

/** The delay before retry number `retry` (1-based) under `policy`. */
export function retryDelayMs(policy: RetryPolicy, retry: number): number {
  const delay = policy.backoff === 'exponential' ? policy.delayMs * 2 ** Math.max(0, retry - 1) : policy.delayMs;
  return Math.min(delay, policy.maxDelayMs);
}

export function isFlowDefinition(value: unknown): value is FlowDefinition {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { kind?: unknown }).kind === 'flow' &&
    (value as { tasks?: unknown }).tasks instanceof Map
  );
}
