/**
 * Catalog names as one principal sees them: a table it is not granted does not exist
 * for it (TableNotFoundError, naming no other table), and a granted table with a
 * column list or row filter reads as only those columns and rows (a RestrictedTable,
 * which the engine's named-table rewrite wraps around the scan). Names DuckDB would
 * find itself (its system views, the binding's temp views, files) never reach it: any
 * name that is not a catalog table is refused here. Lookups use the server's short
 * TableLookup memo (DDL through the server invalidates it). It is the engine's
 * TableResolver (structurally: the catalog sits below the engine).
 */
import { TableNotFoundError } from '../errors.js';
import type { TableLookup } from '../table-lookup.js';
import { formatTableName } from '../table-name.js';
import type { Principal, TableGrant } from './principal.js';

/**
 * A granted table read through its grant: only these columns and rows. The same shape
 * as the engine's RestrictedTable (which the engine's TableResolver returns); declared
 * here because the catalog sits below the engine.
 */
export interface GrantedTable {
  readonly location: string;
  readonly columns: readonly string[] | null;
  readonly rowFilter: string | null;
}

export class GrantResolver {
  /** The catalog name of every location resolved so far. */
  readonly names = new Map<string, string>();

  /**
   * `applied`: catalog names whose grant the query already carries (a structured table
   * query the engine applied it to); they resolve to their plain location, so the grant
   * is not applied twice. Whether they are granted at all is still checked here.
   */
  constructor(
    private readonly lookup: TableLookup,
    private readonly principal: Principal,
    private readonly applied: ReadonlySet<string> = new Set(),
  ) {}

  async resolveTable(schema: string | undefined, table: string): Promise<string | GrantedTable> {
    const name = schema ? { schema, table } : table;
    const grants = this.principal.grants;
    // Without grants every table exists, and the catalog's error may suggest close names.
    const found = grants === null ? await this.lookup.get(name) : await this.lookup.find(name);
    const grant = found && grants !== null ? grants.get(found.name) : undefined;
    if (!found || (grants !== null && !grant))
      throw new TableNotFoundError(found?.name ?? formatTableName(this.lookup.catalog.resolve(name)), []);
    this.names.set(found.location, found.name);
    return restricted(grant) && !this.applied.has(found.name)
      ? { location: found.location, columns: grant.columns, rowFilter: grant.rowFilter }
      : found.location;
  }
}

/** True when the grant limits columns or rows. */
export function restricted(grant: TableGrant | undefined): grant is TableGrant {
  return grant !== undefined && (grant.columns !== null || grant.rowFilter !== null);
}
