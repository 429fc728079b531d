/**
 * Flow topics' sources, over FlowControl (local or through the owner's control socket):
 * `runs` publishes a `run` event whenever any run appears or changes state or progress;
 * `runs/<id>` publishes `run` and `task` events for one run. Both compare each poll with
 * the last and publish only differences; the first poll is the baseline.
 */
import type { FlowControl, JsonValue, RunView, TaskView } from '../../flows/index.js';
import { FINISHED_RUN_STATES } from '../../flows/index.js';
import type { SourceSink, TopicSource } from './topic-source.js';

const runKey = (run: RunView): string => `${run.state}|${run.tasksDone}|${run.tasksTotal}`;
const taskKey = (task: TaskView): string => `${task.state}|${task.attempt}`;
const finished = (run: RunView): boolean => FINISHED_RUN_STATES.includes(run.state);
const asJson = (value: object): JsonValue => value as unknown as JsonValue;

/** Runs of one flow looked at per poll: enough for every active run of a busy flow. */
const RUNS_PER_FLOW = 100;

export class AllRunsSource implements TopicSource {
  /** Runs not finished when last seen: the ones that can still change, by id. */
  readonly #live = new Map<number, { readonly flowId: string; readonly key: string }>();
  /** Per flow: its last run and active count at the last poll, so idle flows cost nothing more. */
  readonly #flows = new Map<string, string>();
  #maxRunId = 0;

  constructor(
    private readonly flows: FlowControl,
    private readonly sink: SourceSink,
    private readonly onRead: () => void,
  ) {}

  async start(): Promise<void> {
    await this.#look(false);
  }

  poll(): Promise<void> {
    return this.#look(true);
  }

  async #look(publish: boolean): Promise<void> {
    const rows = await this.flows.list();
    this.onRead();
    for (const flow of rows) {
      const key = `${flow.lastRun?.id ?? 0}|${flow.lastRun?.state ?? ''}|${flow.activeRuns}`;
      const before = this.#flows.get(flow.id);
      this.#flows.set(flow.id, key);
      // Same last run, nothing active now or at the last look: none of its runs changed.
      if (before === key && flow.activeRuns === 0 && !this.#hasLive(flow.id)) continue;
      for (const run of await this.flows.runs(flow.id, RUNS_PER_FLOW)) this.#see(run, publish);
    }
  }

  #hasLive(flowId: string): boolean {
    for (const run of this.#live.values()) if (run.flowId === flowId) return true;
    return false;
  }

  #see(run: RunView, publish: boolean): void {
    const key = runKey(run);
    const known = this.#live.get(run.id);
    // New, or an old finished run brought back (cleared for a rerun), or a live run that moved.
    const changed = known === undefined ? run.id > this.#maxRunId || !finished(run) : known.key !== key;
    if (publish && changed) this.sink.emit('run', asJson(run));
    this.#maxRunId = Math.max(this.#maxRunId, run.id);
    if (finished(run)) this.#live.delete(run.id);
    else this.#live.set(run.id, { flowId: run.flowId, key });
  }
}

export class RunSource implements TopicSource {
  #run = '';
  readonly #tasks = new Map<number, string>();

  constructor(
    private readonly flows: FlowControl,
    private readonly runId: number,
    private readonly sink: SourceSink,
    private readonly onRead: () => void,
  ) {}

  async start(): Promise<void> {
    await this.#look(false);
  }

  poll(): Promise<void> {
    return this.#look(true);
  }

  async #look(publish: boolean): Promise<void> {
    const detail = await this.flows.run(this.runId);
    this.onRead();
    const key = runKey(detail.run);
    // Tasks first: a client seeing the run finish has already seen how each task ended.
    for (const task of detail.tasks) {
      const taskState = taskKey(task);
      if (publish && this.#tasks.get(task.id) !== taskState)
        this.sink.emit('task', asJson({ runId: this.runId, flowId: detail.run.flowId, ...task }));
      this.#tasks.set(task.id, taskState);
    }
    if (publish && key !== this.#run) this.sink.emit('run', asJson(detail.run));
    this.#run = key;
  }
}
