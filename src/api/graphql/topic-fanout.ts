/**
 * One event-hub subscription per topic, shared by every GraphQL subscription on it.
 * 20,000 clients watching one table cost one hub listener and, per client, a small
 * queue and a listener entry: a broadcast is a loop over a Set, with no polling. The
 * hub subscription is closed when the topic's last listener leaves.
 *
 * A listener that falls more than MAX_QUEUED events behind is ended (its client sees
 * the subscription complete) rather than buffering without bound.
 */
import type { EventSubscription, StreamEvent } from '../streams/stream-events.js';

/** The part of the EventHub (src/api/streams/event-hub.ts) the GraphQL layer uses. */
export interface EventSource {
  subscribe(topic: string, options?: { lastEventId?: string }): EventSubscription;
}

const MAX_QUEUED = 1000;

type Listener = (event: StreamEvent | null) => void;

interface Topic {
  readonly subscription: EventSubscription;
  readonly listeners: Set<Listener>;
}

export class TopicFanout {
  readonly #topics = new Map<string, Topic>();

  constructor(private readonly source: EventSource) {}

  /** The topic's events from now on; `return()` (breaking the loop) stops listening. */
  listen(topic: string): AsyncIterableIterator<StreamEvent> {
    const queue: StreamEvent[] = [];
    let waiting: ((result: IteratorResult<StreamEvent>) => void) | undefined;
    let done = false;
    const finish = (): IteratorResult<StreamEvent> => {
      if (!done) {
        done = true;
        this.#remove(topic, listener);
      }
      return { done: true, value: undefined };
    };
    const listener: Listener = (event) => {
      if (done) return;
      if (event === null || queue.length >= MAX_QUEUED) {
        const resolve = waiting;
        waiting = undefined;
        const result = finish();
        resolve?.(result);
        return;
      }
      if (waiting !== undefined) {
        const resolve = waiting;
        waiting = undefined;
        resolve({ done: false, value: event });
      } else {
        queue.push(event);
      }
    };
    this.#add(topic, listener);
    const iterator: AsyncIterableIterator<StreamEvent> = {
      next: () => {
        const event = queue.shift();
        if (event !== undefined) return Promise.resolve({ done: false, value: event });
        if (done) return Promise.resolve({ done: true, value: undefined });
        return new Promise((resolve) => { waiting = resolve; });
      },
      return: () => {
        const resolve = waiting;
        waiting = undefined;
        const result = finish();
        resolve?.(result);
        return Promise.resolve(result);
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  /** Listeners per topic (for tests and metrics). */
  get listenerCount(): number {
    let n = 0;
    for (const t of this.#topics.values()) n += t.listeners.size;
    return n;
  }

  close(): void {
    for (const [name, topic] of this.#topics) {
      this.#topics.delete(name);
      topic.subscription.close();
      for (const l of topic.listeners) l(null);
    }
  }

  #add(name: string, listener: Listener): void {
    let topic = this.#topics.get(name);
    if (topic === undefined) {
      topic = { subscription: this.source.subscribe(name), listeners: new Set() };
      this.#topics.set(name, topic);
      void this.#pump(name, topic);
    }
    topic.listeners.add(listener);
  }

  #remove(name: string, listener: Listener): void {
    const topic = this.#topics.get(name);
    if (topic === undefined) return;
    topic.listeners.delete(listener);
    if (topic.listeners.size === 0) {
      this.#topics.delete(name);
      topic.subscription.close();
    }
  }

  async #pump(name: string, topic: Topic): Promise<void> {
    try {
      for await (const event of topic.subscription) {
        for (const listener of topic.listeners) listener(event);
      }
    } catch {
      // A failed hub subscription ends its listeners below; clients may resubscribe.
    }
    if (this.#topics.get(name) === topic) this.#topics.delete(name);
    for (const listener of topic.listeners) listener(null);
  }
}
