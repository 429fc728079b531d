/**
 * Live events, as every stream transport (SSE, GraphQL over WebSocket and SSE) sees
 * them. Topics:
 *   `tables/<schema.table>`  a commit: { table, version, operation, timestamp, changes? }
 *   `runs`                    any flow run changed state: RunView-like data
 *   `runs/<runId>`            one run's run and task state changes
 *   `metrics`                 the server's live metrics, every few seconds
 */
import type { JsonValue } from '../../flows/index.js';

export interface StreamEvent {
  /** Unique and increasing within a topic: what `Last-Event-ID` resumes after. */
  readonly id: string;
  readonly topic: string;
  /** e.g. `commit`, `run`, `task`, `metrics`. */
  readonly type: string;
  readonly data: JsonValue;
}

/** A listener's view of a topic: events in order; `close()` ends the iteration. */
export interface EventSubscription extends AsyncIterable<StreamEvent> {
  close(): void;
}
