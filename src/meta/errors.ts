import { moduleErrorBase, type ErrorCodeSet, type ErrorDetails } from '../core/index.js';

/** Every code the metadata database raises, with its category (which decides the HTTP status). */
export const MetaErrorCode = {
  META_LOCKED: 'unavailable',
  META_LOCK_FILE: 'internal',
  META_CONNECTION: 'unavailable',
  META_MIGRATION: 'internal',
  META_CLOSED: 'unavailable',
  META_NESTED_ACCESS: 'internal',
  META_OWNER_GONE: 'unavailable',
  META_PROXY_TIMEOUT: 'unavailable',
} as const satisfies ErrorCodeSet;
export type MetaErrorCode = keyof typeof MetaErrorCode;

/** Base of the metadata database's errors: the code decides the category. */
export abstract class MetaError extends moduleErrorBase(MetaErrorCode) {}

/** Who holds an embedded metadata database's lock file. */
export interface LockHolder {
  readonly pid: number;
  readonly hostname: string;
  /** When the holder took the lock (ISO 8601). */
  readonly acquiredAt: string;
  /** When the holding process started (ISO 8601), to tell a reused pid from the holder. */
  readonly processStartedAt?: string;
  readonly command?: string;
}

/**
 * Another process (or this one, through another handle) has the embedded metadata
 * database open and does not serve it to this one (same process, another host, or a
 * holder that serves nothing). PGlite in a second process would silently lose that
 * process's writes, so the opener is refused instead.
 */
export class MetaLockedError extends MetaError {
  constructor(
    readonly directory: string,
    readonly lockFile: string,
    readonly holder: LockHolder,
    reason: string,
  ) {
    super(
      'META_LOCKED',
      `The metadata database in ${directory} is in use by ${reason} (pid ${holder.pid} on ${holder.hostname}, since ${holder.acquiredAt}${holder.command ? `, running ${holder.command}` : ''}). ` +
        'An embedded database can be open in one process only; other processes of this host go through it once it serves them (it does as soon as it has opened the database; an older Strata never does): wait for it or stop it, or use a PostgreSQL server (STRATA_DATABASE_URL). ' +
        `If that process is gone and this lock is left over, delete ${lockFile}.`,
      { directory, lockFile, holder },
    );
  }
}

/** The lock file exists but cannot be read as a lock (or cannot be created at all). */
export class MetaLockFileError extends MetaError {
  constructor(
    readonly lockFile: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super('META_LOCK_FILE', `Cannot take the metadata lock ${lockFile}: ${reason}`, { lockFile }, options);
  }
}

/** The database server cannot be reached or refused the connection. */
export class MetaConnectionError extends MetaError {
  constructor(
    readonly target: string,
    options?: { cause?: unknown },
  ) {
    const reason = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super(
      'META_CONNECTION',
      `Cannot use the metadata database ${target}${reason}. Check the URL (STRATA_DATABASE_URL) and that the server is running.`,
      { target },
      options,
    );
  }
}

/** A migration failed, or the database was migrated by a newer Strata. */
export class MetaMigrationError extends MetaError {
  constructor(message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super('META_MIGRATION', message, details, options);
  }
}

/** The database was used after close. */
export class MetaClosedError extends MetaError {
  constructor(readonly target: string) {
    super('META_CLOSED', `The metadata database ${target} is closed; open it again.`, { target });
  }
}

/**
 * Code running inside a transaction on the embedded database used the database
 * outside that transaction (or began another one). PGlite has one connection, so
 * that query would wait for the transaction that waits for it: it is refused instead.
 */
export class MetaNestedAccessError extends MetaError {
  constructor(readonly target: string) {
    super(
      'META_NESTED_ACCESS',
      `A query on ${target} was started outside the transaction that this code runs in (or as a nested transaction). ` +
        'The embedded database has one connection, so it would wait forever: use the transaction object passed to your function.',
      { target },
    );
  }
}

/**
 * This process used the embedded database through the process that holds it
 * (proxy-driver.ts), and that process closed it or went away.
 */
export class MetaOwnerGoneError extends MetaError {
  constructor(
    readonly target: string,
    readonly ownerPid: number,
    reason: string,
  ) {
    super(
      'META_OWNER_GONE',
      `The metadata database ${target} was used through process ${ownerPid}, which ${reason}. ` +
        'Run the command again: it opens the database itself, or through the process that holds it now.',
      { target, ownerPid },
    );
  }
}

/**
 * A connection taken through the owner's proxy was held idle longer than the owner
 * allows: its transaction was rolled back so the owner (and everyone else) could go on.
 */
export class MetaProxyTimeoutError extends MetaError {
  constructor(
    readonly target: string,
    readonly idleMs: number,
  ) {
    super(
      'META_PROXY_TIMEOUT',
      `A connection to the metadata database ${target} was idle for more than ${idleMs} ms inside the process that holds it, ` +
        'so its transaction was rolled back. Keep transactions short (no waiting on other work inside them) and retry.',
      { target, idleMs },
    );
  }
}

/**
 * A PostgreSQL error raised in the process that holds the database, for a query sent
 * through it: the same fields as the pg driver's DatabaseError (code is the SQLSTATE),
 * so hasPgErrorCode and pgConstraint work on it.
 */
export class RemoteDatabaseError extends Error {
  readonly code: string | undefined;
  readonly constraint: string | undefined;
  readonly detail: string | undefined;
  readonly table: string | undefined;
  readonly column: string | undefined;

  constructor(fields: Readonly<Record<string, unknown>>) {
    super(typeof fields.message === 'string' ? fields.message : 'query failed in the process that holds the database');
    this.name = 'RemoteDatabaseError';
    const text = (key: string) => (typeof fields[key] === 'string' ? fields[key] : undefined);
    this.code = text('code');
    this.constraint = text('constraint');
    this.detail = text('detail');
    this.table = text('table');
    this.column = text('column');
  }
}
