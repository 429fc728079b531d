/**
 * Which tables a principal may use and how (TableAccessControl). A principal with
 * grants sees only granted tables; an ungranted table answers exactly as a missing
 * one (404 without name suggestions), so grants do not leak which tables exist.
 * Lookups go through the server's TableLookup (a short memo of found tables), so a
 * request does not query the metadata database just to name its table.
 */
import { TableLookup, TableNotFoundError, type Catalog, type CatalogTable } from '../../catalog/index.js';
import type { TableAccess, TableAccessControl } from '../api-context.js';
import { requireRole, type Principal } from '../../catalog/index.js';

export class CatalogTableAccess implements TableAccessControl {
  /** `lookup`: shared with the query service, so DDL through the server invalidates both. */
  constructor(
    private readonly catalog: Catalog,
    private readonly lookup: TableLookup = new TableLookup(catalog),
  ) {}

  async access(principal: Principal, name: string, mode: 'read' | 'write'): Promise<TableAccess> {
    if (mode === 'write') requireRole(principal, 'writer', `Writing to ${name}`);
    if (principal.grants === null) return { table: await this.lookup.get(name), columns: null, rowFilter: null };
    const table = await this.lookup.find(name).catch(() => undefined);
    const grant = table === undefined ? undefined : principal.grants.get(table.name);
    if (table === undefined || grant === undefined) throw new TableNotFoundError(name, []);
    return { table, columns: grant.columns, rowFilter: grant.rowFilter };
  }

  async visible(principal: Principal): Promise<CatalogTable[]> {
    const tables = await this.catalog.listTables();
    const grants = principal.grants;
    return grants === null ? tables : tables.filter((t) => grants.has(t.name));
  }
}
