/**
 * Where a topic's events come from. A hub starts one source per topic when the first
 * listener arrives and stops it when the last leaves, so a commit or a run's state is
 * read once however many clients listen. Sources poll (object stores and the metadata
 * database have no push channel every backend shares); a hint (`wake`) makes the next
 * poll happen at once, so a write through this server is seen without waiting.
 */
import type { JsonValue } from '../../flows/index.js';

export interface SourceSink {
  /** Publishes an event; `seq` is the event's id when the source has a natural one (a table version). */
  emit(type: string, data: JsonValue, seq?: number): void;
}

/** An event a source re-read for a resuming listener: not published again, only replayed to it. */
export interface ReplayedEvent {
  readonly type: string;
  readonly data: JsonValue;
  readonly seq: number;
}

export interface TopicSource {
  /** The first look: where "new" starts. Publishes nothing, except sources whose state is the event (metrics). */
  start(): Promise<void>;
  poll(): Promise<void>;
  /**
   * Sources with durable history (tables: the Delta log) re-read the events after `afterSeq`
   * that the hub no longer retains, up to and including `upTo`, at most `limit` of them.
   */
  replay?(afterSeq: number, upTo: number, limit: number): Promise<ReplayedEvent[]>;
  /** The id of the newest event emitted or established by start (a table's version). */
  position?(): number | undefined;
}

/**
 * Runs a source: start, then a poll every `intervalMs` (never two at once; a wake during
 * a poll runs one more right after). One timer per active topic, none per client.
 */
export class SourcePoller {
  readonly started: Promise<void>;
  #timer: NodeJS.Timeout | undefined;
  #polling = false;
  #again = false;
  #stopped = false;
  #ready = false;

  constructor(
    readonly source: TopicSource,
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void,
  ) {
    this.started = source.start().then(() => {
      this.#ready = true;
      this.#schedule();
    });
  }

  wake(): void {
    // Before start has finished, start's own look at the source is still to come.
    if (this.#stopped || !this.#ready) return;
    if (this.#polling) {
      this.#again = true;
      return;
    }
    clearTimeout(this.#timer);
    void this.#poll();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  #schedule(): void {
    if (this.#stopped) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#poll(), this.intervalMs);
    this.#timer.unref();
  }

  async #poll(): Promise<void> {
    if (this.#stopped) return;
    this.#polling = true;
    try {
      do {
        this.#again = false;
        await this.source.poll();
      } while (this.#again && !this.#stopped);
    } catch (error) {
      // A failed poll (a store hiccup, a busy database) is retried on the next tick.
      this.onError(error);
    } finally {
      this.#polling = false;
      this.#schedule();
    }
  }
}
