/**
 * The last N events of a topic, for `Last-Event-ID` resumption. Events arrive with
 * increasing numeric ids, so "everything after id X" is a binary search.
 */
import { sseFrame } from './sse-wire.js';
import type { StreamEvent } from './stream-events.js';

/** A published event with its wire text, built once and shared by every listener. */
export interface WireEvent {
  readonly event: StreamEvent;
  readonly seq: number;
  readonly wire: Buffer;
}

export function wireEvent(event: StreamEvent, seq: number): WireEvent {
  return { event, seq, wire: sseFrame(event) };
}

export class EventRing {
  readonly #items: (WireEvent | undefined)[];
  #start = 0;
  #size = 0;

  constructor(readonly capacity: number) {
    this.#items = new Array<WireEvent | undefined>(Math.max(1, capacity));
  }

  push(item: WireEvent): void {
    const capacity = this.#items.length;
    this.#items[(this.#start + this.#size) % capacity] = item;
    if (this.#size < capacity) this.#size += 1;
    else this.#start = (this.#start + 1) % capacity;
  }

  #at(i: number): WireEvent {
    return this.#items[(this.#start + i) % this.#items.length]!;
  }

  /** The oldest retained sequence number, undefined when empty. */
  get oldest(): number | undefined {
    return this.#size === 0 ? undefined : this.#at(0).seq;
  }

  get newest(): number | undefined {
    return this.#size === 0 ? undefined : this.#at(this.#size - 1).seq;
  }

  /** Retained events with seq > `after`, oldest first. */
  after(after: number): WireEvent[] {
    let low = 0;
    let high = this.#size;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.#at(mid).seq <= after) low = mid + 1;
      else high = mid;
    }
    const out: WireEvent[] = [];
    for (let i = low; i < this.#size; i++) out.push(this.#at(i));
    return out;
  }
}
