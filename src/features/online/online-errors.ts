import { moduleErrorBase, type ErrorCodeSet, type ErrorDetails } from '../../core/index.js';

/**
 * Every code the online stores raise, with its category (which decides the HTTP status).
 * The lead joins this set into the features module's FeatureErrorCode when merging.
 */
export const OnlineErrorCode = {
  FEATURES_ONLINE_UNAVAILABLE: 'unavailable',
  FEATURES_ONLINE_INVALID: 'invalid',
  FEATURES_ONLINE_WATERMARK_CONFLICT: 'conflict',
  FEATURES_ONLINE_CLOSED: 'unavailable',
} as const satisfies ErrorCodeSet;
export type OnlineErrorCode = keyof typeof OnlineErrorCode;

/** Base of the online stores' errors: the code decides the category. */
export abstract class OnlineStoreError extends moduleErrorBase(OnlineErrorCode) {}

/** The store's server cannot be reached (Redis down, timed out): retry later; the store reconnects by itself. */
export class OnlineStoreUnavailableError extends OnlineStoreError {
  constructor(store: string, operation: string, options?: { cause?: unknown }) {
    const reason = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super(
      'FEATURES_ONLINE_UNAVAILABLE',
      `The online store ${store} is unavailable (${operation})${reason}. Retry when it is back; the store reconnects by itself.`,
      { store, operation },
      options,
    );
  }
}

/** A row, key or value the store cannot hold (an untyped key, a timestamp out of range, ...). */
export class OnlineStoreInvalidError extends OnlineStoreError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('FEATURES_ONLINE_INVALID', message, details);
  }
}

/**
 * A write expected the view's watermark to be one version and found another: another
 * materializer advanced it first. Nothing of this write's watermark step was applied.
 */
export class OnlineWatermarkConflictError extends OnlineStoreError {
  constructor(
    readonly view: string,
    readonly expected: number | null,
    readonly found: number | null,
  ) {
    super(
      'FEATURES_ONLINE_WATERMARK_CONFLICT',
      `Feature view ${view}: expected the online watermark at ${expected ?? 'none'} but found ${found ?? 'none'}; another materialization advanced it. Read the watermark again and resume from it.`,
      { view, expected, found },
    );
  }
}

/** The store was used after close(). */
export class OnlineStoreClosedError extends OnlineStoreError {
  constructor(store: string) {
    super('FEATURES_ONLINE_CLOSED', `The online store ${store} is closed; open it again.`, { store });
  }
}
