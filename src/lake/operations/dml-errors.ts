/**
 * Errors of DML (DELETE, UPDATE, MERGE), constraints and the change data feed. They
 * live beside errors.ts (same base class, same `[CODE] message` shape) so DML can grow
 * without touching the core lake errors.
 */
import type { ErrorDetails } from '../../core/index.js';
import { LakeError } from '../errors.js';

/** A written row breaks a NOT NULL or CHECK constraint; nothing was committed. */
export class ConstraintViolationError extends LakeError {
  constructor(
    readonly location: string,
    /** `NOT NULL <column>` or the CHECK constraint's name. */
    readonly constraint: string,
    /** The SQL expression every row must satisfy. */
    readonly expression: string,
    /** One offending row, as JSON. */
    readonly row: string,
    readonly operation: string,
  ) {
    super(
      'LAKE_CONSTRAINT',
      `${operation} on ${location} violates constraint ${constraint} (${expression}) with row ${row}; nothing was written. Fix the data or drop the constraint.`,
      { location, constraint, expression, row, operation },
    );
  }
}

/** The table is `delta.appendOnly=true` and the operation would remove or change rows. */
export class AppendOnlyTableError extends LakeError {
  constructor(
    readonly location: string,
    readonly operation: string,
  ) {
    super(
      'LAKE_APPEND_ONLY',
      `${location} is append-only (delta.appendOnly=true): ${operation} would remove or change existing rows. Only appends (and MERGE with insert clauses only) are allowed; unset delta.appendOnly to change data.`,
      { location, operation },
    );
  }
}

/** MERGE matched one target row with several source rows, so its outcome is ambiguous. */
export class MergeCardinalityError extends LakeError {
  constructor(
    readonly location: string,
    readonly matches: number,
    readonly targetRow: string,
  ) {
    super(
      'LAKE_MERGE_MULTIPLE_MATCH',
      `MERGE into ${location}: the target row ${targetRow} is matched by ${matches} source rows; each target row may be updated or deleted by at most one source row. Deduplicate the source on the join key or make the ON condition stricter.`,
      { location, matches, targetRow },
    );
  }
}

/** A change data feed read asks for versions whose changes were not recorded. */
export class ChangeDataFeedError extends LakeError {
  constructor(message: string, details: ErrorDetails) {
    super('LAKE_CHANGE_DATA_FEED', message, details);
  }
}
