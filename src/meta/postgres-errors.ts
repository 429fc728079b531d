/**
 * PostgreSQL error codes that callers act on. Both backends raise errors carrying
 * the server's SQLSTATE in `code` (pg's DatabaseError and PGlite's), so one check
 * serves both.
 */
export const PgErrorCode = {
  uniqueViolation: '23505',
  foreignKeyViolation: '23503',
  serializationFailure: '40001',
  deadlockDetected: '40P01',
} as const;
export type PgErrorCode = (typeof PgErrorCode)[keyof typeof PgErrorCode];

export function hasPgErrorCode(error: unknown, code: PgErrorCode): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}

/** The violated constraint's name, when the error names one. */
export function pgConstraint(error: unknown): string | undefined {
  const constraint =
    typeof error === 'object' && error !== null ? (error as { constraint?: unknown }).constraint : undefined;
  return typeof constraint === 'string' ? constraint : undefined;
}
