/**
 * The live event hub: one fan-out per topic for every stream transport. The first
 * listener on a topic starts its source (a table's commit watcher, a run poller, the
 * metrics ticker) and the last one to leave stops it, so a commit is read once however
 * many clients listen. Each event is serialized once to its SSE wire text and that one
 * Buffer is handed to every listener; each topic retains its last events for
 * `Last-Event-ID` resumption, and a table topic re-reads older versions from its log.
 *
 * Guarantees: per topic, listeners see events in increasing id order, without gaps
 * while attached (a resuming listener gets the replay, then live events, no duplicates).
 */
import { InvalidArgumentError } from '../../core/index.js';
import type { JsonValue } from '../../flows/index.js';
import { BadRequestError, NotFoundError } from '../errors.js';
import { wireEvent } from './event-ring.js';
import { QueuedSubscription } from './event-subscription.js';
import { MetricsSource } from './metrics-source.js';
import { AllRunsSource, RunSource } from './run-sources.js';
import { HEARTBEAT } from './sse-wire.js';
import { StreamClosedError } from './stream-errors.js';
import type { EventSubscription } from './stream-events.js';
import type { AttachOptions, Attachment, StreamListener } from './stream-listener.js';
import { parseEventId, parseTopic, tableTopic, type TopicRef } from './stream-topics.js';
import { TableSource } from './table-source.js';
import { TopicChannel, type Attached } from './topic-channel.js';
import { SourcePoller, type SourceSink, type TopicSource } from './topic-source.js';
import type { EventHubOptions, HubStats } from './event-hub-options.js';

export type { EventHubOptions, HubStats } from './event-hub-options.js';
export type { AttachOptions, Attachment, StreamListener } from './stream-listener.js';

export class EventHub {
  readonly #channels = new Map<string, TopicChannel>();
  readonly #heartbeat: NodeJS.Timeout;
  // Ids of non-table events start at the open time in microseconds, so a client resuming
  // with an id from before a restart is behind every id this process gives out.
  #seq = Date.now() * 1000;
  #listeners = 0;
  #reads = 0;
  #closed = false;

  private constructor(private readonly options: EventHubOptions) {
    this.#heartbeat = setInterval(() => this.#beat(), options.heartbeatMs ?? 15_000);
    this.#heartbeat.unref();
  }

  static open(options: EventHubOptions): EventHub {
    return new EventHub(options);
  }

  /** Canonical topic name (`tables/sales` → `tables/main.sales`); throws UnknownTopicError. */
  topicName(topic: string): string {
    return parseTopic(this.options.catalog, topic).topic;
  }

  /** The SSE path: a listener called synchronously per event with the shared wire text. */
  attach(topic: string, listener: StreamListener, options: AttachOptions = {}): Attachment {
    if (this.#closed) throw new StreamClosedError(topic);
    const ref = parseTopic(this.options.catalog, topic);
    if ((ref.kind === 'runs' || ref.kind === 'run') && this.options.flows === undefined) {
      throw new NotFoundError(`Topic "${ref.topic}" needs flows, and this server runs without them.`, {
        topic: ref.topic,
      });
    }
    const after =
      options.lastEventId === undefined || options.lastEventId.trim() === ''
        ? undefined
        : parseEventId(options.lastEventId);
    if (options.lastEventId !== undefined && options.lastEventId.trim() !== '' && after === undefined) {
      throw new BadRequestError(
        `Last-Event-ID "${options.lastEventId}" is not an event id of this server; ids are integers.`,
        { lastEventId: options.lastEventId },
      );
    }
    const channel = this.#channels.get(ref.topic) ?? this.#open(ref);
    const attached: Attached = {
      listener,
      withoutChanges: options.withoutChanges ?? false,
      pending: after === undefined ? null : [],
    };
    channel.listeners.add(attached);
    this.#listeners += 1;
    let detached = false;
    const detach = (): void => {
      if (detached) return;
      detached = true;
      this.#remove(channel, attached);
    };
    const work =
      after === undefined ? channel.poller.started : channel.resume(attached, after, this.options.maxReplay ?? 1000);
    const ready = work.catch((error: unknown) => {
      detach();
      throw error;
    });
    return { ready, detach };
  }

  /** The pull path (GraphQL subscriptions): events in order; `close()` ends it. */
  subscribe(topic: string, options: AttachOptions = {}): EventSubscription {
    const subscription = new QueuedSubscription(topic, this.options.maxQueued ?? 1000);
    subscription.bind(this.attach(topic, subscription, options));
    return subscription;
  }

  /** Publishes to a non-table topic's listeners (table topics publish their commits themselves). */
  publish(topic: string, type: string, data: JsonValue): void {
    const ref = parseTopic(this.options.catalog, topic);
    if (ref.kind === 'table')
      throw new InvalidArgumentError(
        `Table topics publish their own commits; call tableCommitted("${ref.table}") after a write instead.`,
        { topic },
      );
    const channel = this.#channels.get(ref.topic);
    if (channel) this.#emit(channel, type, data);
  }

  /** A hint after a write through this server: the table's listeners see the commit now, not at the next poll. */
  tableCommitted(name: string): void {
    let topic: string;
    try {
      topic = tableTopic(this.options.catalog, name);
    } catch {
      return;
    }
    this.#channels.get(topic)?.poller.wake();
  }

  listenerCount(topic?: string): number {
    if (topic === undefined) return this.#listeners;
    try {
      return this.#channels.get(this.topicName(topic))?.listeners.size ?? 0;
    } catch {
      return 0;
    }
  }

  stats(): HubStats {
    return { topics: this.#channels.size, listeners: this.#listeners, sourceReads: this.#reads };
  }

  /** Stops every source and the heartbeat; each listener gets `end(StreamClosedError)`. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#heartbeat);
    for (const channel of this.#channels.values()) {
      channel.poller.stop();
      for (const attached of channel.listeners) attached.listener.end?.(new StreamClosedError(channel.ref.topic));
      channel.listeners.clear();
    }
    this.#channels.clear();
    this.#listeners = 0;
  }

  #open(ref: TopicRef): TopicChannel {
    const sink: SourceSink = { emit: (type, data, seq) => this.#emit(channel, type, data, seq) };
    const source = this.#source(ref, sink);
    const interval = ref.kind === 'metrics' ? (this.options.metricsMs ?? 5000) : (this.options.pollMs ?? 500);
    const poller = new SourcePoller(source, interval, (error) => this.options.onError?.(error, ref.topic));
    const channel = new TopicChannel(ref, source, poller, this.options.historyPerTopic ?? 256);
    this.#channels.set(ref.topic, channel);
    // A source that cannot start (no such table or run) leaves no channel behind; every attachment's ready rejects.
    poller.started.catch(() => {
      poller.stop();
      if (this.#channels.get(ref.topic) === channel) this.#channels.delete(ref.topic);
    });
    return channel;
  }

  #source(ref: TopicRef, sink: SourceSink): TopicSource {
    const onRead = (): void => {
      this.#reads += 1;
    };
    switch (ref.kind) {
      case 'table':
        return new TableSource({
          catalog: this.options.catalog,
          table: ref.table,
          sink,
          maxChangeRows: this.options.maxChangeRows ?? 1000,
          onRead,
        });
      case 'runs':
        return new AllRunsSource(this.options.flows!, sink, onRead);
      case 'run':
        return new RunSource(this.options.flows!, ref.runId, sink, onRead);
      case 'metrics':
        return new MetricsSource(this.options.metrics, sink);
    }
  }

  #emit(channel: TopicChannel, type: string, data: JsonValue, seq?: number): void {
    const id = seq ?? ++this.#seq;
    channel.publish(wireEvent({ id: String(id), topic: channel.ref.topic, type, data }, id));
    this.options.metrics.eventPublished(channel.ref.topic);
  }

  #remove(channel: TopicChannel, attached: Attached): void {
    if (!channel.listeners.delete(attached)) return;
    this.#listeners -= 1;
    if (channel.listeners.size > 0) return;
    channel.poller.stop();
    if (this.#channels.get(channel.ref.topic) === channel) this.#channels.delete(channel.ref.topic);
  }

  #beat(): void {
    for (const channel of this.#channels.values()) {
      for (const attached of channel.listeners) attached.listener.heartbeat?.(HEARTBEAT);
    }
  }
}
