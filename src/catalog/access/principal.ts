/**
 * Who is asking: the token's name and role and what its grants let it see. Every
 * route gets the request's Principal from the auth hook (auth-hook.ts); in
 * `--insecure-local` mode every request is the local admin.
 */
import { ForbiddenError } from './access-errors.js';

export const ApiRole = { admin: 'admin', writer: 'writer', reader: 'reader' } as const;
export type ApiRole = (typeof ApiRole)[keyof typeof ApiRole];
export const API_ROLES: readonly ApiRole[] = [ApiRole.admin, ApiRole.writer, ApiRole.reader];

/** What a role may do with one table: a column allow-list and a row filter, each optional. */
export interface TableGrant {
  /** `schema.table` as the catalog formats it. */
  readonly table: string;
  /** The only columns the role sees (and writes); null: all of them. */
  readonly columns: readonly string[] | null;
  /** A SQL predicate over the table's columns: the only rows the role sees, updates and deletes. */
  readonly rowFilter: string | null;
}

export interface Principal {
  /** The token's id; null for the local admin of `--insecure-local`. */
  readonly tokenId: string | null;
  readonly name: string;
  readonly role: ApiRole;
  /**
   * The role's grants by table name. null: every table, all columns and rows (admins,
   * and roles nobody granted anything). Otherwise only the tables in the map exist for it.
   */
  readonly grants: ReadonlyMap<string, TableGrant> | null;
}

export const LOCAL_ADMIN: Principal = { tokenId: null, name: 'local', role: ApiRole.admin, grants: null };

const RANK: Readonly<Record<ApiRole, number>> = { reader: 0, writer: 1, admin: 2 };

export function hasRole(principal: Principal, needed: ApiRole): boolean {
  return RANK[principal.role] >= RANK[needed];
}

/** Throws ForbiddenError unless the principal's role is at least `needed`. */
export function requireRole(principal: Principal, needed: ApiRole, action: string): void {
  if (!hasRole(principal, needed)) {
    throw new ForbiddenError(`${action} needs the ${needed} role; token "${principal.name}" is a ${principal.role}.`, {
      role: principal.role,
      needed,
    });
  }
}

/**
 * A fingerprint of what the principal can see, for cache keys: two principals with
 * the same fingerprint get the same answer to the same request.
 */
export function visibilityKey(principal: Principal): string {
  if (principal.grants === null) return 'all';
  return JSON.stringify([...principal.grants.values()].sort((a, b) => a.table.localeCompare(b.table)));
}
