/**
 * What the table explorer routes share: the rule that file-level facts (paths, sizes,
 * stats, skipping) are for principals whose grant leaves the table whole, and how a
 * data file's path is shown.
 */
import type { AddFile } from '../../lake/index.js';
import type { TableAccess } from '../api-context.js';
import { ForbiddenError } from '../../catalog/index.js';

export function isRestricted(access: TableAccess): boolean {
  return access.columns !== null || access.rowFilter !== null;
}

/**
 * Refuses a principal whose grant limits the table's rows or columns: a file's stats,
 * size and row count describe rows and columns the grant hides.
 */
export function requireWholeTable(access: TableAccess, what: string): void {
  if (isRestricted(access))
    throw new ForbiddenError(
      `${what} of ${access.table.name} is only shown to principals whose grant covers all its rows and columns; ask an admin for such a grant.`,
      { table: access.table.name },
    );
}

/** A data file's path relative to the table (URL-decoded); files elsewhere (shallow clones) keep their URI. */
export function filePath(file: AddFile): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(file.path)) return file.path;
  try {
    return decodeURIComponent(file.path);
  } catch {
    return file.path;
  }
}

/** The rows a file's stats record, or null. */
export function fileRows(file: AddFile): number | null {
  if (!file.stats) return null;
  try {
    const n = (JSON.parse(file.stats) as { numRecords?: unknown }).numRecords;
    return typeof n === 'number' ? n : null;
  } catch {
    return null;
  }
}
