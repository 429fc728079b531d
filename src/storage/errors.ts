import { StrataError, type ErrorDetails } from '../core/index.js';

/** The object does not exist. */
export class ObjectNotFoundError extends StrataError {
  constructor(
    readonly url: string,
    options?: { cause?: unknown },
  ) {
    super('STORAGE_NOT_FOUND', `No object at ${url}.`, { url }, options);
  }
}

/** The URL's scheme has no registered store, or the URL is malformed. */
export class UnsupportedStoreError extends StrataError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('STORAGE_UNSUPPORTED', message, details);
  }
}

/** Any other I/O failure, with the OS/SDK error as cause. */
export class StorageIoError extends StrataError {
  constructor(
    readonly url: string,
    operation: string,
    options?: { cause?: unknown },
  ) {
    const reason = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super('STORAGE_IO', `Could not ${operation} ${url}${reason}`, { url, operation }, options);
  }
}
