/**
 * Subscriptions: `<table>_changes` (one event per commit, with the changed rows from
 * the change data feed when the hub includes them) and `run_changes(run_id)` (flow run
 * and task state changes). Events come from the event hub, which already fans each topic
 * out from one source; mapping an event to a payload is the only per-subscriber work.
 *
 * A principal whose grant has a row filter gets `rows: null` and `rows_truncated: false`:
 * the filter is SQL and is not evaluated on events, so no row it may not see, nor a
 * count of them, is ever sent. Parameters and metrics are not part of the payload.
 */
import { Cache } from '../../core/index.js';
import type { FlowControl, JsonValue } from '../../flows/index.js';
import type { ApiContext } from '../api-context.js';
import type { EventHub } from '../streams/event-hub.js';
import type { StreamEvent } from '../streams/stream-events.js';
import type { GraphqlContext, SubscriptionResolver } from './graphql-context.js';
import { GraphqlInputError } from './graphql-errors.js';
import type { TableModel } from './table-models.js';

/**
 * A hub topic's events from now on. When the hub ends the subscription — the client fell
 * too far behind, the topic could not start, the server is closing — the GraphQL
 * subscription completes rather than failing.
 */
function topicEvents(events: EventHub, topic: string): AsyncIterableIterator<StreamEvent> {
  const subscription = events.subscribe(topic);
  const source = subscription[Symbol.asyncIterator]();
  const end = (): IteratorResult<StreamEvent> => {
    subscription.close();
    return { done: true, value: undefined };
  };
  const iterator: AsyncIterableIterator<StreamEvent> = {
    next: () => source.next().catch(end),
    return: () => Promise.resolve(end()),
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

function mapEvents<T>(
  events: AsyncIterableIterator<StreamEvent>,
  map: (event: StreamEvent) => T | undefined,
): AsyncIterableIterator<T> {
  const iterator: AsyncIterableIterator<T> = {
    next: async () => {
      for (;;) {
        const next = await events.next();
        if (next.done === true) return { done: true, value: undefined };
        const value = map(next.value);
        if (value !== undefined) return { done: false, value };
      }
    },
    return: async () => {
      await events.return?.();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

function record(value: JsonValue | undefined): Readonly<Record<string, JsonValue>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Readonly<Record<string, JsonValue>>)
    : {};
}

/** The hub's `changes` ({ rows, truncated } | null) as `<table>_change` objects, `_commit_version` from the event. */
function changeRows(
  model: TableModel,
  changes: JsonValue | undefined,
  version: JsonValue | undefined,
): Record<string, unknown>[] | null {
  const rows = Array.isArray(changes) ? changes : record(changes).rows;
  if (!Array.isArray(rows)) return null;
  return rows.map((change) => {
    const row = record(change);
    const out: Record<string, unknown> = {
      _change_type: row._change_type ?? 'unknown',
      _commit_version: row._commit_version ?? version ?? null,
    };
    for (const c of model.columns) out[c.field] = row[c.column] ?? null;
    return out;
  });
}

export function commitPayload(model: TableModel, event: StreamEvent, rowsVisible: boolean): Record<string, unknown> {
  const data = record(event.data);
  const changes = record(data.changes);
  return {
    table: typeof data.table === 'string' ? data.table : model.catalogName,
    version: data.version ?? -1,
    operation: data.operation ?? event.type,
    timestamp: data.timestamp ?? null,
    rows: rowsVisible ? changeRows(model, data.changes, data.version) : null,
    // Truncation says more rows changed than an event carries: a count the filter hides.
    rows_truncated: rowsVisible && changes.truncated === true,
  };
}

export function tableSubscriptionResolvers(ctx: ApiContext, model: TableModel): Record<string, SubscriptionResolver> {
  return {
    [`${model.name}_changes`]: {
      subscribe: async (_s, _args, context: GraphqlContext) => {
        const access = await ctx.tables.access(context.principal, model.catalogName, 'read');
        return mapEvents(topicEvents(ctx.events, `tables/${model.catalogName}`), (event) =>
          commitPayload(model, event, access.rowFilter === null),
        );
      },
      resolve: (payload) => payload,
    },
  };
}

const RUN_ID = /^[1-9]\d{0,15}$/;

export function runSubscriptionResolvers(flows: FlowControl, events: EventHub): Record<string, SubscriptionResolver> {
  // The hub's run topic cannot start for a run that does not exist and would just end the
  // subscription; checking first gives the client FLOW_RUN_NOT_FOUND. Memoized, so many
  // clients following one run cost one lookup per second.
  const known = new Cache<string, Promise<true>>({ maxEntries: 1000, ttlMs: 1000 });
  return {
    run_changes: {
      subscribe: async (_s, args) => {
        let topic = 'runs';
        if (args.run_id !== null && args.run_id !== undefined) {
          const id = String(args.run_id);
          if (!RUN_ID.test(id))
            throw new GraphqlInputError(`run_id must be a run id (a positive integer), not "${id}".`, { run_id: id });
          await known.getOrSet(id, async () => (await flows.run(Number(id)), true));
          topic = `runs/${id}`;
        }
        return mapEvents(topicEvents(events, topic), (event) => {
          const data = record(event.data);
          const runId = data.runId ?? data.run_id ?? (event.type === 'run' ? data.id : undefined) ?? null;
          return { id: event.id, type: event.type, run_id: runId, state: data.state ?? null, data: event.data };
        });
      },
      resolve: (payload) => payload,
    },
  };
}
