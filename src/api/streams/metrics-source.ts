/** The `metrics` topic's source: the server's live figures, published on start and every interval. */
import type { JsonValue } from '../../flows/index.js';
import type { ApiMetrics } from '../observability/metrics.js';
import type { SourceSink, TopicSource } from './topic-source.js';

export class MetricsSource implements TopicSource {
  constructor(
    private readonly metrics: ApiMetrics,
    private readonly sink: SourceSink,
  ) {}

  // The state is the event: a new listener wants figures now, not after an interval.
  start(): Promise<void> {
    return this.poll();
  }

  async poll(): Promise<void> {
    const figures = await this.metrics.snapshot();
    this.sink.emit('metrics', { at: new Date().toISOString(), ...figures } as JsonValue);
  }
}
