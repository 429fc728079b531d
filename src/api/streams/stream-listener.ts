/** How a transport listens to a topic on the hub without an iterator per client. */
import type { StreamEvent } from './stream-events.js';

export interface StreamListener {
  /**
   * Each event in id order, synchronously as it is published. `wire` is its SSE text,
   * built once and shared by every listener: write it as is, never modify it.
   */
  event(event: StreamEvent, wire: Buffer): void;
  /** Every heartbeat interval, with the shared `:\n\n` comment (one hub timer for all listeners). */
  heartbeat?(wire: Buffer): void;
  /** The hub closed (StreamClosedError) or the topic's source failed; nothing follows. */
  end?(error?: unknown): void;
}

export interface AttachOptions {
  /** Resume: first the events after this id (retained ones, and a table's versions from its log), then live ones. */
  readonly lastEventId?: string;
  /**
   * Send table commits without their changed rows (`changes: null`): for principals
   * whose grants hide some columns or rows, since the rows are serialized once for all.
   */
  readonly withoutChanges?: boolean;
}

export interface Attachment {
  /**
   * Settles when the topic's source has made its first look and any replay was
   * delivered. Rejects (and detaches) when the source cannot start, e.g. the table or
   * run does not exist; callers must handle the rejection.
   */
  readonly ready: Promise<void>;
  /** Stops delivery; the last detach on a topic stops its source. Idempotent. */
  detach(): void;
}
