/**
 * Per-role table grants. A role with no grants sees every table (the default, so a
 * fresh warehouse is usable); once a role has one grant it sees only granted tables,
 * and of each only the allowed columns and the rows its filter keeps. Admins are never
 * restricted. A grant is checked when it is made: the table and columns must exist and
 * the filter must be a predicate DuckDB accepts over the table.
 */
import type { Catalog, CatalogMeta } from '../../catalog/index.js';
import { SqlSession } from '../../engine/index.js';
import { quoteIdent } from '../../lake/index.js';
import { BadRequestError, NotFoundError } from '../errors.js';
import type { TableGrant } from '../../catalog/index.js';

export type GrantableRole = 'writer' | 'reader';

export interface GrantRequest {
  readonly role: GrantableRole;
  readonly table: string;
  readonly columns?: readonly string[] | null;
  readonly rowFilter?: string | null;
}

export async function setGrant(catalog: Catalog, request: GrantRequest): Promise<TableGrant> {
  if (request.role !== 'writer' && request.role !== 'reader') {
    throw new BadRequestError(
      `Grants apply to the writer and reader roles; "${String(request.role)}" cannot be restricted.`,
      { role: request.role },
    );
  }
  const table = await catalog.getTable(request.table);
  const fields = (await catalog.openTable(table.name)).snapshot.schema.fields.map((f) => f.name);
  const columns = request.columns ?? null;
  const unknown = (columns ?? []).filter((c) => !fields.includes(c));
  if (unknown.length > 0)
    throw new BadRequestError(
      `${table.name} has no column ${unknown.map((c) => `"${c}"`).join(', ')}; its columns: ${fields.join(', ')}.`,
      { table: table.name, unknown },
    );
  const rowFilter = request.rowFilter?.trim() || null;
  if (rowFilter !== null) {
    // Trusted input (an admin's), checked by running it over zero rows.
    const from = `${quoteIdent(table.schema)}.${quoteIdent(table.table)}`;
    await new SqlSession(catalog)
      .executeOne(`SELECT count(*) FROM (SELECT * FROM ${from} WHERE (${rowFilter}) LIMIT 0)`)
      .catch((error: unknown) => {
        throw new BadRequestError(
          `The row filter "${rowFilter}" is not a predicate over ${table.name}: ${error instanceof Error ? error.message : String(error)}`,
          { table: table.name, rowFilter },
          { cause: error },
        );
      });
  }
  const values = {
    role: request.role,
    table_name: table.name,
    columns: columns === null ? null : JSON.stringify(columns),
    row_filter: rowFilter,
  };
  await catalog.meta.db
    .insertInto('api_grants')
    .values(values)
    .onConflict((oc) =>
      oc.columns(['role', 'table_name']).doUpdateSet({ columns: values.columns, row_filter: values.row_filter }),
    )
    .execute();
  return { table: table.name, columns, rowFilter };
}

export async function removeGrant(catalog: Catalog, role: GrantableRole, tableName: string): Promise<void> {
  const name = catalog.resolve(tableName);
  const formatted = (await catalog.findTable(name))?.name ?? tableName;
  const result = await catalog.meta.db
    .deleteFrom('api_grants')
    .where('role', '=', role)
    .where('table_name', '=', formatted)
    .executeTakeFirst();
  if (result.numDeletedRows === 0n)
    throw new NotFoundError(`The ${role} role has no grant on ${formatted}.`, { role, table: formatted });
}

/** The role's grants by table name; null when it has none (sees everything). */
export async function grantsOf(meta: CatalogMeta, role: string): Promise<ReadonlyMap<string, TableGrant> | null> {
  if (role === 'admin') return null;
  const rows = await meta.db
    .selectFrom('api_grants')
    .selectAll()
    .where('role', '=', role as GrantableRole)
    .execute();
  if (rows.length === 0) return null;
  return new Map(
    rows.map((r) => [
      r.table_name,
      {
        table: r.table_name,
        columns: r.columns === null ? null : (JSON.parse(r.columns) as string[]),
        rowFilter: r.row_filter,
      },
    ]),
  );
}

export async function listGrants(meta: CatalogMeta): Promise<(TableGrant & { role: GrantableRole })[]> {
  const rows = await meta.db.selectFrom('api_grants').selectAll().orderBy('role').orderBy('table_name').execute();
  return rows.map((r) => ({
    role: r.role,
    table: r.table_name,
    columns: r.columns === null ? null : (JSON.parse(r.columns) as string[]),
    rowFilter: r.row_filter,
  }));
}
