/**
 * FlowControl over a FlowSystem this process opened: the CLI's path on a PostgreSQL
 * server or a free embedded warehouse, and what a control server runs for its
 * clients. Each operation is a few indexed queries (see status-queries.ts).
 */
import { sql } from 'kysely';
import { remainingMs } from '../scheduling/duration-expectations.js';
import { predictedExpectations } from '../scheduling/predicted-expectations.js';
import { RunNotFoundError, TaskNotFoundError } from '../errors.js';
import type { JsonValue } from '../definition/flow-definition.js';
import type {
  BackfillRequest,
  BackfillView,
  FlowControl,
  FlowRow,
  LatestTaskView,
  LoadReport,
  LogPage,
  LogQuery,
  ManagedRun,
  RunAction,
  RunDetail,
  RunView,
  TriggeredRun,
} from './flow-control.js';
import { convertTextParams, iso, runView, taskView } from './flow-control-views.js';
import { loadFlowDirectory } from '../definition/flow-loader.js';
import type { FlowSystem } from '../flow-system.js';
import { registerFlow } from '../queue/flow-registration.js';
import type { Schedule } from '../definition/schedules.js';
import { getRun, latestStatePerTask, listFlows, runsOfFlow, taskInstancesOfRun } from './status-queries.js';
import { isFinished, type TaskState } from '../queue/task-states.js';
import { cancelRun, markRun, markTask } from '../queue/run-control.js';
import { clearTasks } from '../queue/run-clear.js';
import { failedAttempts, liveWorkers, NO_WORKER, unclaimedNotice } from './run-diagnostics.js';
import { FINISHED_RUN_STATES, type RunState } from '../queue/task-states.js';
import type { FlowDetail, GanttView, GridView, PoolView } from './console-views.js';
import { flowDetail, runGantt, runGrid } from './console-queries.js';
import { poolViews } from './pool-status.js';

const isFinishedRun = (state: RunState) => FINISHED_RUN_STATES.includes(state);

export class LocalFlowControl implements FlowControl {
  readonly mode = 'local';

  /** `ownsSystem`: close() closes the FlowSystem too. */
  constructor(
    readonly system: FlowSystem,
    private readonly ownsSystem = false,
  ) {}

  get target(): string {
    return this.system.queue.meta.target;
  }

  private get db() {
    return this.system.queue.meta.db;
  }

  async loadFlows(directory?: string): Promise<LoadReport> {
    const folder = directory ?? this.system.flowsDirectory;
    const loaded = await loadFlowDirectory(folder);
    for (const flow of loaded.flows.values()) await registerFlow(this.system.queue, flow);
    return {
      directory: folder,
      registered: [...loaded.flows.keys()],
      problems: loaded.problems.map((p) => ({ code: p.code, message: p.message })),
    };
  }

  async list(): Promise<FlowRow[]> {
    const { rows: counts } = await sql<{ id: string; tasks: number }>`
      select f.id, jsonb_array_length(v.plan->'tasks')::int as tasks from flow_definitions f
      join flow_versions v on v.flow_id = f.id and v.version_hash = f.version_hash`.execute(this.db);
    const tasks = new Map(counts.map((c) => [c.id, Number(c.tasks)]));
    return (await listFlows(this.db)).map((f) => ({
      id: f.id,
      description: f.description,
      schedule: f.schedule as Schedule,
      paused: f.paused,
      nextTickAt: iso(f.nextTickAt),
      sourceFile: f.sourceFile,
      tasks: tasks.get(f.id) ?? 0,
      activeRuns: Number(f.activeRuns),
      lastRun:
        f.lastRun === undefined
          ? null
          : { id: Number(f.lastRun.id), state: f.lastRun.state, createdAt: iso(f.lastRun.createdAt)! },
    }));
  }

  async trigger(
    flowId: string,
    params: Readonly<Record<string, JsonValue>> = {},
    textParams: Readonly<Record<string, string>> = {},
  ): Promise<TriggeredRun> {
    const typed =
      Object.keys(textParams).length === 0
        ? {}
        : convertTextParams(flowId, await this.#paramDefaults(flowId), textParams);
    const run = await this.system.trigger(flowId, { ...typed, ...params }, { triggeredBy: 'cli' });
    const workers = await liveWorkers(this.db);
    return {
      runId: Number(run.runId),
      created: run.created,
      state: run.state,
      liveWorkers: workers,
      notice: workers === 0 && !isFinishedRun(run.state) ? NO_WORKER : null,
    };
  }

  async #paramDefaults(flowId: string): Promise<Record<string, JsonValue>> {
    const { rows } = await sql<{ params: Record<string, JsonValue> | null }>`
      select v.plan->'params' as params from flow_definitions f join flow_versions v on v.flow_id = f.id and v.version_hash = f.version_hash
      where f.id = ${flowId}`.execute(this.db);
    // An unknown flow is reported by trigger itself, with the known names.
    return rows[0]?.params ?? {};
  }

  async runs(flowId: string, limit = 20): Promise<RunView[]> {
    return (await runsOfFlow(this.db, flowId, limit)).map(runView);
  }

  async latestTasks(flowId: string): Promise<LatestTaskView[]> {
    return (await latestStatePerTask(this.db, flowId)).map((t) => ({
      taskId: t.taskId,
      runId: Number(t.runId),
      state: t.state,
      endedAt: iso(t.endedAt),
    }));
  }

  async run(runId: number): Promise<RunDetail> {
    const run = await getRun(this.db, runId);
    if (run === undefined) throw new RunNotFoundError(String(runId));
    const instances = await taskInstancesOfRun(this.db, runId, { includeMapInstances: true });
    const expectations = await predictedExpectations(this.db, this.system.durations, run.flowId, runId, instances);
    const now = new Date();
    let etaMs: number | null = null;
    if (run.state === 'running' || run.state === 'queued') {
      const version = await this.db
        .selectFrom('flow_runs')
        .select('version_hash')
        .where('id', '=', runId)
        .executeTakeFirstOrThrow();
      const plan = await this.system.queue.plans.get(this.db, run.flowId, version.version_hash);
      const remaining = remainingMs(plan.plan, instances, expectations, now);
      etaMs = remaining === undefined ? null : Math.round(remaining);
    }
    const workers = await liveWorkers(this.db);
    const tasks = instances.map((i) => {
      const view = taskView(i, expectations.get(i.taskId), now);
      return { ...view, notice: unclaimedNotice(view, i.queuedAt, now, workers) };
    });
    return {
      run: runView(run),
      tasks,
      // Nothing claims a queued task: an ETA would promise what will not happen.
      etaMs: workers === 0 ? null : etaMs,
      liveWorkers: workers,
      failedAttempts: await failedAttempts(this.db, runId),
    };
  }

  /** A mapped task's lines come from all its instances unless `mapIndex` picks one. */
  async logs(query: LogQuery): Promise<LogPage> {
    const instances = await this.db
      .selectFrom('task_instances')
      .select(['id', 'map_index', 'state'])
      .where('run_id', '=', query.runId)
      .where('task_id', '=', query.taskId)
      .$if(query.mapIndex !== undefined, (q) => q.where('map_index', '=', query.mapIndex!))
      .execute();
    const parent = instances.find((i) => Number(i.map_index) === (query.mapIndex ?? -1));
    if (parent === undefined) {
      if ((await getRun(this.db, query.runId)) === undefined) throw new RunNotFoundError(String(query.runId));
      const known = await this.db
        .selectFrom('task_instances')
        .select('task_id')
        .distinct()
        .where('run_id', '=', query.runId)
        .orderBy('task_id')
        .execute();
      const name = query.mapIndex === undefined ? query.taskId : `${query.taskId}[${query.mapIndex}]`;
      throw new TaskNotFoundError(
        query.runId,
        name,
        known.map((k) => k.task_id),
      );
    }
    const { rows } = await sql<{
      id: number;
      attempt: number;
      stream: string;
      line: string;
      logged_at: Date;
      map_index: number;
    }>`
      select l.id, l.attempt, l.stream, l.line, l.logged_at, t.map_index from task_logs l join task_instances t on t.id = l.task_instance_id
      where l.task_instance_id = any(${instances.map((i) => Number(i.id))}::bigint[]) and l.id > ${query.afterId ?? 0}
        ${query.attempt === undefined ? sql`` : sql`and l.attempt = ${query.attempt}`}
      order by l.id`.execute(this.db);
    const state = parent.state as TaskState;
    const errors = await failedAttempts(this.db, query.runId, {
      instanceIds: instances.map((i) => Number(i.id)),
      ...(query.attempt === undefined ? {} : { attempt: query.attempt }),
    });
    return {
      errors,
      lines: rows.map((r) => ({
        id: Number(r.id),
        attempt: Number(r.attempt),
        stream: r.stream,
        line: r.line,
        loggedAt: iso(r.logged_at)!,
        mapIndex: Number(r.map_index),
      })),
      state,
      finished: isFinished(state),
    };
  }

  async backfill(flowId: string, request: BackfillRequest): Promise<BackfillView> {
    // The text goes on as written: a bare date is a whole day in the schedule's time zone, which only the backfill knows.
    const plan = await this.system.backfill(flowId, request);
    const runIds =
      plan.backfillId === undefined
        ? []
        : (
            await this.db
              .selectFrom('flow_runs')
              .select('id')
              .where('backfill_id', '=', plan.backfillId)
              .orderBy('id')
              .execute()
          ).map((r) => Number(r.id));
    const existing = (r: { runId: number; logicalDate: Date; state: string }) => ({
      runId: Number(r.runId),
      logicalDate: iso(r.logicalDate)!,
      state: r.state,
    });
    return {
      backfillId: plan.backfillId ?? null,
      create: plan.create.map((d) => iso(d)!),
      rerun: plan.rerun.map(existing),
      kept: plan.kept.map(existing),
      runIds,
    };
  }

  pause(flowId: string, paused: boolean): Promise<void> {
    return this.system.pause(flowId, paused);
  }

  setPool(name: string, slots: number): Promise<void> {
    return this.system.setPool(name, slots);
  }

  flow(flowId: string): Promise<FlowDetail> {
    return flowDetail(this.system.queue, flowId);
  }

  grid(flowId: string, limit = 25): Promise<GridView> {
    return runGrid(this.system.queue, flowId, limit);
  }

  async gantt(runId: number): Promise<GanttView> {
    const now = new Date();
    return runGantt(this.system.queue, await this.run(runId), now);
  }

  pools(): Promise<PoolView[]> {
    return poolViews(this.system.queue);
  }

  async manageRun(runId: number, action: RunAction, by = 'cli'): Promise<ManagedRun> {
    const queue = this.system.queue;
    let cleared: string[] = [];
    switch (action.kind) {
      case 'cancel':
        await cancelRun(queue, runId, by);
        break;
      case 'clear':
        cleared = await clearTasks(queue, runId, action.taskId, by);
        break;
      case 'mark':
        if (action.taskId === undefined) await markRun(queue, runId, action.state, by);
        else
          await markTask(
            queue,
            runId,
            { taskId: action.taskId, ...(action.mapIndex === undefined ? {} : { mapIndex: action.mapIndex }) },
            action.state,
            by,
          );
    }
    const run = await getRun(this.db, runId);
    return { run: runView(run!), cleared };
  }

  /** Runs that ended after `since` (oldest first): what a role process announces. Compared at JavaScript's millisecond precision, so a run's own endedAt is a cursor past it. */
  async finishedSince(since: Date): Promise<RunView[]> {
    const { rows } = await sql<{
      id: number;
    }>`select id from flow_runs where date_trunc('milliseconds', ended_at) > ${since} order by ended_at, id limit 100`.execute(
      this.db,
    );
    const runs = await Promise.all(rows.map((r) => getRun(this.db, Number(r.id))));
    return runs.filter((r) => r !== undefined).map(runView);
  }

  async close(): Promise<void> {
    if (this.ownsSystem) await this.system.close();
  }
}
