import { libraryPhrase, moduleErrorBase, type ErrorCodeSet, type ErrorDetails, type Remedy } from '../core/index.js';

const FORCE: Remedy = { kind: 'option', option: 'force' };

/** Every code the Delta lake (errors.ts, dml-errors.ts, restore.ts) raises, with its category (which decides the HTTP status). */
export const LakeErrorCode = {
  LAKE_NOT_A_TABLE: 'invalid',
  LAKE_TABLE_EXISTS: 'conflict',
  LAKE_UNSUPPORTED_PROTOCOL: 'invalid',
  LAKE_CORRUPT_LOG: 'internal',
  LAKE_LOG_GAP: 'internal',
  LAKE_MISSING_ACTION: 'internal',
  LAKE_VERSION_NOT_FOUND: 'not_found',
  LAKE_SCHEMA_MISMATCH: 'invalid',
  LAKE_CONFLICT: 'conflict',
  LAKE_DELETION_VECTOR: 'internal',
  LAKE_VACUUM_RETENTION: 'invalid',
  LAKE_INVALID_OPERATION: 'invalid',
  LAKE_CONSTRAINT: 'invalid',
  LAKE_APPEND_ONLY: 'invalid',
  LAKE_MERGE_MULTIPLE_MATCH: 'invalid',
  LAKE_CHANGE_DATA_FEED: 'invalid',
  LAKE_RESTORE_MISSING_FILES: 'invalid',
  LAKE_BAD_ROWS: 'invalid',
} as const satisfies ErrorCodeSet;
export type LakeErrorCode = keyof typeof LakeErrorCode;

/** Base of the Delta lake's errors: the code decides the category. */
export abstract class LakeError extends moduleErrorBase(LakeErrorCode) {}

/** The location holds no Delta table (no `_delta_log`, or an empty one). */
export class NotADeltaTableError extends LakeError {
  constructor(
    readonly location: string,
    reason = 'it has no _delta_log directory',
  ) {
    super(
      'LAKE_NOT_A_TABLE',
      `${location} is not a Delta table: ${reason}. Create one with \`strata table create\` or check the path.`,
      { location },
    );
  }
}

export class TableExistsError extends LakeError {
  constructor(readonly location: string) {
    super(
      'LAKE_TABLE_EXISTS',
      `A Delta table already exists at ${location}; append to it or choose another location.`,
      { location },
    );
  }
}

/** The table needs a reader/writer version or feature this implementation does not support. */
export class UnsupportedProtocolError extends LakeError {
  constructor(message: string, details: ErrorDetails) {
    super('LAKE_UNSUPPORTED_PROTOCOL', message, details);
  }
}

/** A log file (commit, checkpoint, _last_checkpoint, sidecar) cannot be parsed. */
export class CorruptLogError extends LakeError {
  constructor(
    readonly file: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super('LAKE_CORRUPT_LOG', `Corrupt Delta log file ${file}: ${reason}`, { file }, options);
  }
}

/** The log is missing a commit between the first and last available versions. */
export class LogGapError extends LakeError {
  constructor(
    readonly location: string,
    readonly missingVersion: number,
  ) {
    super(
      'LAKE_LOG_GAP',
      `The Delta log of ${location} has no commit for version ${missingVersion}: versions are not contiguous, so the table cannot be reconstructed.`,
      { location, missingVersion },
    );
  }
}

/** Replay ended without a protocol or metaData action. */
export class MissingActionError extends LakeError {
  constructor(
    readonly location: string,
    readonly action: 'protocol' | 'metaData',
    readonly version: number,
  ) {
    super(
      'LAKE_MISSING_ACTION',
      `The Delta log of ${location} at version ${version} has no ${action} action; the table state cannot be reconstructed.`,
      { location, action, version },
    );
  }
}

/** Time travel to a version or timestamp the log cannot provide. */
export class VersionNotFoundError extends LakeError {
  constructor(message: string, details: ErrorDetails) {
    super('LAKE_VERSION_NOT_FOUND', message, details);
  }
}

/** Data does not fit the table's schema (names the column and both types). */
export class SchemaMismatchError extends LakeError {
  constructor(message: string, details: ErrorDetails) {
    super('LAKE_SCHEMA_MISMATCH', message, details);
  }
}

/** The rule of the protocol's conflict detection that a losing commit broke. */
export const ConflictRule = {
  protocolChanged: 'protocol-changed',
  metadataChanged: 'metadata-changed',
  concurrentAppend: 'concurrent-append',
  concurrentDeleteRead: 'concurrent-delete-read',
  concurrentDeleteDelete: 'concurrent-delete-delete',
  concurrentTransaction: 'concurrent-transaction',
  tooManyRetries: 'too-many-retries',
} as const;
export type ConflictRule = (typeof ConflictRule)[keyof typeof ConflictRule];

/** A commit lost the race to a winning commit it logically conflicts with. */
export class CommitConflictError extends LakeError {
  constructor(
    readonly rule: ConflictRule,
    readonly winningVersion: number,
    message: string,
    details: ErrorDetails = {},
  ) {
    super('LAKE_CONFLICT', `Commit conflict (${rule}) with version ${winningVersion}: ${message}`, {
      rule,
      winningVersion,
      ...details,
    });
  }
}

/** A deletion vector cannot be read or decoded. */
export class DeletionVectorError extends LakeError {
  constructor(message: string, details: ErrorDetails, options?: { cause?: unknown }) {
    super('LAKE_DELETION_VECTOR', message, details, options);
  }
}

/** VACUUM asked to keep tombstones for less than the safe retention. */
export class VacuumRetentionError extends LakeError {
  constructor(
    readonly requestedHours: number,
    readonly minimumHours: number,
  ) {
    super(
      'LAKE_VACUUM_RETENTION',
      `Refusing VACUUM with a retention of ${requestedHours} hours: below the table's ${minimumHours}-hour tombstone retention it can delete files that concurrent readers or time travel still need. Pass ${libraryPhrase(FORCE)} to override.`,
      { requestedHours, minimumHours, remedy: FORCE },
    );
  }
}

/** Any other invalid request against a table (bad partition column, bad predicate, ...). */
export class InvalidTableOperationError extends LakeError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('LAKE_INVALID_OPERATION', message, details);
  }
}

/**
 * An input file (CSV, JSON lines) has rows that do not fit its header or the table:
 * names the file, the first bad line (1-based, as an editor shows it), the column and
 * the value, and how many lines were bad. Nothing was written.
 */
export class BadRowsError extends LakeError {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: string | undefined,
    readonly value: string | undefined,
    readonly reason: string,
    readonly badLines: number,
    nextStep: string,
  ) {
    const where = `Line ${line} of ${file}${column === undefined ? '' : `, column "${column}"`}`;
    const more = badLines > 1 ? ` (${badLines} bad lines in all)` : '';
    super('LAKE_BAD_ROWS', `${where}: ${reason}${more}; nothing was written. ${nextStep}`, {
      file,
      line,
      ...(column === undefined ? {} : { column }),
      ...(value === undefined ? {} : { value }),
      reason,
      badLines,
    });
  }
}
