import { moduleErrorBase, type ErrorCodeSet, type ErrorDetails } from '../core/index.js';

/** Every code the object stores raises, with its category (which decides the HTTP status). */
export const StorageErrorCode = {
  STORAGE_NOT_FOUND: 'not_found',
  STORAGE_UNSUPPORTED: 'invalid',
  STORAGE_IO: 'unavailable',
} as const satisfies ErrorCodeSet;
export type StorageErrorCode = keyof typeof StorageErrorCode;

/** Base of the object stores's errors: the code decides the category. */
export abstract class StorageError extends moduleErrorBase(StorageErrorCode) {}

/** The object does not exist. */
export class ObjectNotFoundError extends StorageError {
  constructor(
    readonly url: string,
    options?: { cause?: unknown },
  ) {
    super('STORAGE_NOT_FOUND', `No object at ${url}.`, { url }, options);
  }
}

/** The URL's scheme has no registered store, or the URL is malformed. */
export class UnsupportedStoreError extends StorageError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('STORAGE_UNSUPPORTED', message, details);
  }
}

/** Any other I/O failure, with the OS/SDK error as cause. */
export class StorageIoError extends StorageError {
  constructor(
    readonly url: string,
    operation: string,
    options?: { cause?: unknown },
  ) {
    const reason = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super('STORAGE_IO', `Could not ${operation} ${url}${reason}`, { url, operation }, options);
  }
}
