/** How an EventHub is opened, and what it reports. */
import type { Catalog } from '../../catalog/index.js';
import type { FlowControl } from '../../flows/index.js';
import type { ApiMetrics } from '../observability/metrics.js';

export interface EventHubOptions {
  readonly catalog: Catalog;
  /** Undefined: the server runs without flows, and `runs` topics are 404. */
  readonly flows: FlowControl | undefined;
  readonly metrics: ApiMetrics;
  /** How often active table and run topics look for news (default 500 ms); `tableCommitted` skips the wait. */
  readonly pollMs?: number;
  /** How often listeners get a heartbeat (default 15 s). */
  readonly heartbeatMs?: number;
  /** Events retained per topic for resumption (default 256). */
  readonly historyPerTopic?: number;
  /** How often the `metrics` topic publishes (default 5 s). */
  readonly metricsMs?: number;
  /** Changed rows carried by one commit event at most (default 1,000; more sets `truncated`). */
  readonly maxChangeRows?: number;
  /** Table versions re-read from the log for one resuming listener at most (default 1,000). */
  readonly maxReplay?: number;
  /** Events a subscription may fall behind before it is dropped (default 1,000). */
  readonly maxQueued?: number;
  /** Told of a failed poll (retried on the next one); default: ignored. */
  readonly onError?: (error: unknown, topic: string) => void;
}

export interface HubStats {
  readonly topics: number;
  readonly listeners: number;
  /** Commits and flow states read by sources: one per commit, however many listeners. */
  readonly sourceReads: number;
}
