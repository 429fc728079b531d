/**
 * A topic as an async iterable, for GraphQL subscriptions (graphql-ws, graphql-sse) and
 * other pull consumers. The SSE path does not use this: it writes the shared wire text
 * straight from a StreamListener. A consumer that falls more than `maxQueued` events
 * behind is ended with StreamLaggedError instead of buffering without bound.
 */
import type { EventSubscription, StreamEvent } from './stream-events.js';
import { StreamLaggedError } from './stream-errors.js';
import type { Attachment, StreamListener } from './stream-listener.js';

type Resolver = { resolve: (result: IteratorResult<StreamEvent>) => void; reject: (error: unknown) => void };

export class QueuedSubscription implements EventSubscription, StreamListener {
  readonly #queue: StreamEvent[] = [];
  readonly #waiting: Resolver[] = [];
  #attachment: Attachment | undefined;
  #ended = false;
  #error: unknown;

  constructor(
    readonly topic: string,
    private readonly maxQueued: number,
  ) {}

  /** Connects the subscription to the hub's attachment (made with this object as its listener). */
  bind(attachment: Attachment): void {
    this.#attachment = attachment;
    attachment.ready.catch((error: unknown) => this.end(error));
  }

  event(event: StreamEvent): void {
    if (this.#ended) return;
    const waiter = this.#waiting.shift();
    if (waiter) return waiter.resolve({ value: event, done: false });
    this.#queue.push(event);
    if (this.#queue.length > this.maxQueued) this.end(new StreamLaggedError(this.topic, this.#queue.length));
  }

  end(error?: unknown): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#error = error;
    this.#attachment?.detach();
    // On an error the queue is dropped: the consumer resumes from the last id it saw.
    if (error !== undefined) this.#queue.length = 0;
    for (const waiter of this.#waiting.splice(0)) {
      if (error === undefined) waiter.resolve({ value: undefined, done: true });
      else waiter.reject(error);
    }
  }

  close(): void {
    this.end();
  }

  next(): Promise<IteratorResult<StreamEvent>> {
    const value = this.#queue.shift();
    if (value !== undefined) return Promise.resolve({ value, done: false });
    if (this.#ended) {
      const error = this.#error;
      this.#error = undefined;
      return error === undefined ? Promise.resolve({ value: undefined, done: true }) : Promise.reject(error);
    }
    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }

  return(): Promise<IteratorResult<StreamEvent>> {
    this.end();
    this.#queue.length = 0;
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterator<StreamEvent> {
    return this;
  }
}
