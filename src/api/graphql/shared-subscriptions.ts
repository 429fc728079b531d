/**
 * WebSocket subscriptions that would receive the same payloads share one execution.
 * Subscriptions with the same schema, operation text, operation name, variables, role
 * and visibility (grants: see visibilityKey) form a group: the group runs the GraphQL
 * subscription once (through envelop, so masking and metrics apply) and, per event,
 * executes and serializes the payload once; each subscriber then costs one frame,
 * `{"id":…,"type":"next","payload":…}`, byte for byte what graphql-ws would send.
 * A subscriber joining a live group skips parse, validate and context building: the
 * same text was validated against the same schema when the group started.
 *
 * Guarantees: a principal only ever receives payloads executed for its own visibility
 * (it is part of the key); a subscriber gets every event from joining until it ends, in
 * order; graphql-ws keeps its bookkeeping (each member is the async iterator graphql-ws
 * holds), so `complete` both ways and socket close work as before. A subscriber whose
 * socket has more than MAX_BUFFERED_BYTES unsent is ended (its client sees `complete`)
 * rather than buffering without bound.
 */
import type { ExecutionArgs, ExecutionResult, GraphQLSchema } from 'graphql';
import type { WebSocket } from 'ws';
import { visibilityKey, type Principal } from '../../catalog/index.js';
import type { EnvelopedArgs, OperationParams } from './enveloped-operation.js';
import { FrameBatcher } from './frame-batcher.js';

const MAX_BUFFERED_BYTES = 64 * 2 ** 20;
const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/** One graphql-ws subscription: where its frames go and graphql-ws's live ids of that connection. */
export interface Subscriber {
  readonly socket: WebSocket;
  readonly id: string;
  /** graphql-ws's connection context: an id no longer in `subscriptions` gets no more frames. */
  readonly connection: { readonly subscriptions: Readonly<Record<string, unknown>> };
}

/** What subscribers share a group by (with the schema, which keys the outer map). */
export function sharingKey(principal: Principal, params: OperationParams): string {
  return JSON.stringify([
    principal.role,
    visibilityKey(principal),
    params.operationName ?? null,
    params.variables ?? null,
    params.query ?? null,
  ]);
}

/** The `next` payload exactly as graphql-ws serializes it (errors through toJSON, omitted when absent). */
function serializePayload(result: ExecutionResult): string {
  const { errors, ...rest } = result;
  return JSON.stringify(errors ? { ...rest, errors: errors.map((e) => e.toJSON()) } : rest);
}

class Member implements AsyncIterableIterator<never> {
  readonly #prefix: string;
  #ended: Error | true | undefined;
  #waiting: { resolve: (r: IteratorResult<never>) => void; reject: (e: Error) => void } | undefined;

  constructor(
    readonly subscriber: Subscriber,
    private readonly batcher: FrameBatcher,
    private readonly leave: (member: Member) => void,
  ) {
    this.#prefix = `{"id":${JSON.stringify(subscriber.id)},"type":"next","payload":`;
  }

  deliver(payload: string): void {
    const { socket, id, connection } = this.subscriber;
    if (!(id in connection.subscriptions)) return;
    if (socket.bufferedAmount > MAX_BUFFERED_BYTES) return this.end();
    this.batcher.send(socket, `${this.#prefix}${payload}}`);
  }

  /** Ends the subscription: graphql-ws then sends `complete` (or `error` when given one). */
  end(error?: Error): void {
    if (this.#ended !== undefined) return;
    this.#ended = error ?? true;
    this.leave(this);
    const waiting = this.#waiting;
    this.#waiting = undefined;
    if (waiting === undefined) return;
    if (error === undefined) waiting.resolve(DONE);
    else waiting.reject(error);
  }

  // Payloads are sent by deliver(); graphql-ws's loop over this iterator only waits for the end.
  next(): Promise<IteratorResult<never>> {
    if (this.#ended === true) return Promise.resolve(DONE);
    if (this.#ended !== undefined) return Promise.reject(this.#ended);
    return new Promise((resolve, reject) => {
      this.#waiting = { resolve, reject };
    });
  }

  return(): Promise<IteratorResult<never>> {
    this.end();
    return Promise.resolve(DONE);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<never> {
    return this;
  }
}

function isAsyncIterable(value: unknown): value is AsyncIterable<ExecutionResult> {
  return typeof Object(value)[Symbol.asyncIterator] === 'function';
}

class Group {
  readonly #members = new Set<Member>();
  /** Arguments handed out whose subscribe has not come yet: the group stays open for them. */
  #expected = 0;
  #closed = false;
  #source: AsyncIterator<ExecutionResult> | undefined;
  readonly #ready: Promise<ExecutionResult | undefined>;

  constructor(
    private readonly args: EnvelopedArgs,
    private readonly batcher: FrameBatcher,
    private readonly forget: () => void,
  ) {
    this.#ready = (async () => {
      try {
        const result = await args.rootValue.subscribe(args);
        // Refused at subscribe time (e.g. an unknown run): every waiting subscriber gets the answer; later ones try afresh.
        if (!isAsyncIterable(result)) return (this.#close(), result as ExecutionResult);
        this.#source = result[Symbol.asyncIterator]();
        void this.#pump(this.#source);
        return undefined;
      } catch (error) {
        this.#close();
        throw error;
      }
    })();
  }

  /** Execution arguments for graphql-ws whose subscribe joins this group. */
  argsFor(subscriber: Subscriber): EnvelopedArgs {
    this.#expected++;
    const { schema, document, operationName, variableValues, contextValue } = this.args;
    return {
      schema,
      document,
      operationName,
      variableValues,
      contextValue,
      rootValue: { execute: this.args.rootValue.execute, subscribe: () => this.#join(subscriber) },
    };
  }

  async #join(subscriber: Subscriber): Promise<AsyncIterableIterator<never> | ExecutionResult> {
    let refused: ExecutionResult | undefined;
    try {
      refused = await this.#ready;
    } finally {
      this.#expected--;
    }
    if (refused !== undefined) return refused;
    const member = new Member(subscriber, this.batcher, (m) => this.#leave(m));
    if (this.#closed) member.end();
    else this.#members.add(member);
    return member;
  }

  #leave(member: Member): void {
    this.#members.delete(member);
    if (this.#members.size === 0 && this.#expected === 0) this.#close();
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.forget();
    void this.#source?.return?.();
  }

  async #pump(source: AsyncIterator<ExecutionResult>): Promise<void> {
    let failure: Error | undefined;
    try {
      for (;;) {
        const next = await source.next();
        if (next.done === true) break;
        const payload = serializePayload(next.value);
        for (const member of this.#members) member.deliver(payload);
      }
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
    }
    this.#close();
    for (const member of [...this.#members]) member.end(failure);
  }
}

export class SharedSubscriptions {
  readonly #groups = new WeakMap<GraphQLSchema, Map<string, Group>>();
  readonly #batcher = new FrameBatcher();

  /** Arguments joining the live group for (schema, key), if there is one. */
  join(schema: GraphQLSchema, key: string, subscriber: Subscriber): ExecutionArgs | undefined {
    return this.#groups.get(schema)?.get(key)?.argsFor(subscriber);
  }

  /** Starts a group from a prepared subscription (or joins one started meanwhile). */
  start(schema: GraphQLSchema, key: string, prepared: EnvelopedArgs, subscriber: Subscriber): ExecutionArgs {
    let groups = this.#groups.get(schema);
    if (groups === undefined) this.#groups.set(schema, (groups = new Map()));
    let group = groups.get(key);
    if (group === undefined) {
      const started: Group = new Group(prepared, this.#batcher, () => {
        if (groups.get(key) === started) groups.delete(key);
      });
      group = started;
      groups.set(key, group);
    }
    return group.argsFor(subscriber);
  }
}
