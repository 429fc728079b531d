/** Errors of the live event streams (codes mapped to HTTP statuses in error-mapping.ts). */
import type { ErrorDetails } from '../../core/index.js';
import { ApiError } from '../errors.js';

/** A topic name that is not one of `tables/<name>`, `runs`, `runs/<id>`, `metrics` (400). */
export class UnknownTopicError extends ApiError {
  constructor(
    readonly topic: string,
    message: string,
    details: ErrorDetails = {},
    options?: { cause?: unknown },
  ) {
    super('API_STREAM_TOPIC', message, { ...details, topic }, options);
  }
}

/**
 * A subscriber read events more slowly than they were published and fell more than
 * its queue's bound behind; it was dropped rather than buffering without limit.
 * Reconnect with the last event id seen to resume.
 */
export class StreamLaggedError extends ApiError {
  constructor(
    readonly topic: string,
    readonly queued: number,
  ) {
    super(
      'API_STREAM_LAGGED',
      `The subscriber to "${topic}" fell ${queued} events behind and was dropped; resubscribe with the last event id it saw.`,
      { topic, queued },
    );
  }
}

/** The hub was closed (the server is stopping); clients should reconnect later (503). */
export class StreamClosedError extends ApiError {
  constructor(readonly topic: string) {
    super(
      'API_STREAM_CLOSED',
      `The event stream "${topic}" closed because the server is stopping; reconnect with the last event id seen.`,
      { topic },
    );
  }
}
