/**
 * FlowControl through the control socket of the process that owns an embedded
 * warehouse (control-server.ts has the protocol). Errors raised there come back with
 * their code and message as RemoteFlowError, so the CLI prints them as if local.
 */
import type { Socket } from 'node:net';
import { connectSocket } from '../../core/index.js';
import { createInterface } from 'node:readline';
import { ControlChannelError, remoteError, type ErrorReply } from './control-errors.js';
import type { ControlDescription } from './control-server.js';
import type { JsonValue } from '../definition/flow-definition.js';
import type {
  BackfillRequest,
  BackfillView,
  ControlMethod,
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
import type { FlowDetail, GanttView, GridView, PoolView } from './console-views.js';

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export class ControlClient implements FlowControl {
  readonly mode = 'remote';
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #closed: Error | undefined;
  #description: ControlDescription = { pid: 0, target: '', roles: [] };

  private constructor(
    private readonly socket: Socket,
    readonly socketPath: string,
  ) {
    createInterface({ input: socket, crlfDelay: Infinity }).on('line', (line) => this.#receive(line));
    socket.on('error', (error) =>
      this.#fail(new ControlChannelError(socketPath, `the connection failed (${error.message}).`, { cause: error })),
    );
    socket.on('close', () =>
      this.#fail(new ControlChannelError(socketPath, 'the owner process closed the connection (did it stop?).')),
    );
  }

  /** Connects and asks who serves the socket; undefined when nobody answers there. */
  static async connect(socketPath: string, timeoutMs = 2_000): Promise<ControlClient | undefined> {
    const socket = await connectSocket(socketPath, timeoutMs);
    if (socket === undefined) return undefined;
    const client = new ControlClient(socket, socketPath);
    client.#description = (await client.#call('describe', [])) as ControlDescription;
    return client;
  }

  get target(): string {
    return `${this.#description.target} through process ${this.#description.pid} (${this.#description.roles.join(' + ') || 'owner'})`;
  }

  #call(method: ControlMethod | 'describe', args: readonly unknown[]): Promise<unknown> {
    if (this.#closed !== undefined) return Promise.reject(this.#closed);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.socket.write(`${JSON.stringify({ id, method, args })}\n`);
    });
  }

  #receive(line: string): void {
    let reply: { id?: number; ok?: boolean; result?: unknown; error?: Partial<ErrorReply> };
    try {
      reply = JSON.parse(line) as typeof reply;
    } catch {
      return this.#fail(new ControlChannelError(this.socketPath, 'the owner process sent a reply that is not JSON.'));
    }
    const pending = this.#pending.get(reply.id ?? -1);
    if (pending === undefined) return;
    this.#pending.delete(reply.id!);
    if (reply.ok) pending.resolve(reply.result);
    else pending.reject(remoteError(reply.error, this.socketPath));
  }

  #fail(error: Error): void {
    this.#closed ??= error;
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }

  loadFlows(directory?: string): Promise<LoadReport> {
    return this.#call('loadFlows', directory === undefined ? [] : [directory]) as Promise<LoadReport>;
  }
  list(): Promise<FlowRow[]> {
    return this.#call('list', []) as Promise<FlowRow[]>;
  }
  trigger(
    flowId: string,
    params: Readonly<Record<string, JsonValue>> = {},
    textParams: Readonly<Record<string, string>> = {},
  ): Promise<TriggeredRun> {
    return this.#call('trigger', [flowId, params, textParams]) as Promise<TriggeredRun>;
  }
  runs(flowId: string, limit?: number): Promise<RunView[]> {
    return this.#call('runs', limit === undefined ? [flowId] : [flowId, limit]) as Promise<RunView[]>;
  }
  latestTasks(flowId: string): Promise<LatestTaskView[]> {
    return this.#call('latestTasks', [flowId]) as Promise<LatestTaskView[]>;
  }
  run(runId: number): Promise<RunDetail> {
    return this.#call('run', [runId]) as Promise<RunDetail>;
  }
  logs(query: LogQuery): Promise<LogPage> {
    return this.#call('logs', [query]) as Promise<LogPage>;
  }
  backfill(flowId: string, request: BackfillRequest): Promise<BackfillView> {
    return this.#call('backfill', [flowId, request]) as Promise<BackfillView>;
  }
  async pause(flowId: string, paused: boolean): Promise<void> {
    await this.#call('pause', [flowId, paused]);
  }
  manageRun(runId: number, action: RunAction, by?: string): Promise<ManagedRun> {
    return this.#call('manageRun', by === undefined ? [runId, action] : [runId, action, by]) as Promise<ManagedRun>;
  }
  async setPool(name: string, slots: number): Promise<void> {
    await this.#call('setPool', [name, slots]);
  }

  flow(flowId: string): Promise<FlowDetail> {
    return this.#call('flow', [flowId]) as Promise<FlowDetail>;
  }
  grid(flowId: string, limit?: number): Promise<GridView> {
    return this.#call('grid', limit === undefined ? [flowId] : [flowId, limit]) as Promise<GridView>;
  }
  gantt(runId: number): Promise<GanttView> {
    return this.#call('gantt', [runId]) as Promise<GanttView>;
  }
  pools(): Promise<PoolView[]> {
    return this.#call('pools', []) as Promise<PoolView[]>;
  }

  async close(): Promise<void> {
    this.#closed ??= new ControlChannelError(this.socketPath, 'the client was closed.');
    this.socket.end();
    this.socket.destroy();
  }
}
