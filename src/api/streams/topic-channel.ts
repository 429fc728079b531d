/**
 * One active topic: its source's poller, its listeners, the events it retains, and
 * delivery in id order: live events to live listeners, and to a resuming listener its
 * replay first (retained events, or a table's older versions re-read from its log)
 * with the events published meanwhile held back until the replay is through.
 */
import { redactHistoryEntry } from '../../engine/index.js';
import { EventRing, wireEvent, type WireEvent } from './event-ring.js';
import type { StreamListener } from './stream-listener.js';
import type { TopicRef } from './stream-topics.js';
import type { SourcePoller, TopicSource } from './topic-source.js';

export interface Attached {
  readonly listener: StreamListener;
  readonly withoutChanges: boolean;
  /** Events held back while a resuming listener's replay is read; null once live. */
  pending: WireEvent[] | null;
}

export class TopicChannel {
  readonly listeners = new Set<Attached>();
  readonly ring: EventRing;
  readonly #summaries = new WeakMap<WireEvent, WireEvent>();

  constructor(
    readonly ref: TopicRef,
    readonly source: TopicSource,
    readonly poller: SourcePoller,
    history: number,
  ) {
    this.ring = new EventRing(history);
  }

  publish(entry: WireEvent): void {
    this.ring.push(entry);
    for (const attached of this.listeners) {
      if (attached.pending) attached.pending.push(entry);
      else this.#deliver(attached, entry);
    }
  }

  #deliver(attached: Attached, entry: WireEvent): void {
    const sent = attached.withoutChanges ? this.#summary(entry) : entry;
    attached.listener.event(sent.event, sent.wire);
  }

  /**
   * The commit without its changed rows, operation parameters and metrics (they describe
   * rows and columns the grant may hide, as history does: see history-redaction.ts),
   * built once per event for every listener that needs it.
   */
  #summary(entry: WireEvent): WireEvent {
    const data = entry.event.data;
    if (data === null || typeof data !== 'object' || Array.isArray(data) || !('changes' in data)) return entry;
    let summary = this.#summaries.get(entry);
    if (!summary) {
      const { table } = data;
      const redacted = { ...(table === undefined ? {} : { table }), ...redactHistoryEntry(data), changes: null };
      summary = wireEvent({ ...entry.event, data: redacted }, entry.seq);
      this.#summaries.set(entry, summary);
    }
    return summary;
  }

  /** Delivers what `attached` missed after id `after`, then makes it live. */
  async resume(attached: Attached, after: number, maxReplay: number): Promise<void> {
    await this.poller.started;
    const retained = this.ring.after(after);
    let replay: WireEvent[] = [];
    // Versions between the listener's id and the oldest retained one (or the table's position) come from the log.
    const gapEnd = (retained[0]?.seq ?? (this.source.position?.() ?? after) + 1) - 1;
    if (this.source.replay && gapEnd > after) {
      const reread = await this.source.replay(after, gapEnd, maxReplay);
      replay = reread.map((e) =>
        wireEvent({ id: String(e.seq), topic: this.ref.topic, type: e.type, data: e.data }, e.seq),
      );
    }
    // Retained events again: more may have arrived during the re-read (they are pending too; seq filters duplicates).
    replay.push(...this.ring.after(replay.at(-1)?.seq ?? after));
    let last = after;
    const deliver = (entry: WireEvent): void => {
      // A listener may be dropped during delivery (backpressure): check each time.
      if (entry.seq <= last || !this.listeners.has(attached)) return;
      last = entry.seq;
      this.#deliver(attached, entry);
    };
    replay.forEach(deliver);
    while (attached.pending && attached.pending.length > 0) attached.pending.splice(0).forEach(deliver);
    attached.pending = null;
  }
}
