/**
 * Creating tables: a new Delta table (managed under the lake root, or external at a
 * given location) recorded in the catalog, or an existing Delta table registered.
 *
 * The flow is: check the name is free, create the Delta table, then insert the
 * catalog row. The row's unique key on the name is the one arbiter between
 * concurrent creators of a name (in any process): exactly one insert succeeds, every
 * other creator gets CATALOG_TABLE_EXISTS. A managed table goes to
 * `<lake>/<schema>/<table>`, or, when that directory already holds a Delta table (a
 * concurrent creator's, or one dropped without purge), to `<table>.<random>` beside
 * it (a `.` never occurs in an escaped name, so no name maps there); a losing creator
 * removes the managed table it made, which nothing else refers to. If the Delta table
 * was created but the row could not be written for another reason,
 * CATALOG_NOT_RECORDED says where the unrecorded table is.
 */
import { randomUUID } from 'node:crypto';
import { libraryPhrase } from '../core/index.js';
import { DeltaTable, TableExistsError as LakeTableExistsError, type CreateOptions } from '../lake/index.js';
import { hasPgErrorCode, pgConstraint, PgErrorCode } from '../meta/index.js';
import { TableKind } from './catalog-tables.js';
import { selectTable, toCatalogTable, type CatalogContext, type CatalogTable } from './catalog-context.js';
import { InvalidLocationError, LocationInUseError, TableAlreadyExistsError, TableNotRecordedError } from './errors.js';
import { absoluteLocation, managedRelativeLocation } from './managed-location.js';
import { requireSchema, schemaNotFound } from './schema-operations.js';
import { checkExternalLocation, normalizeLocation } from './table-location.js';
import { removeManagedFiles } from './table-operations.js';
import { formatTableName, toTableName, type TableName } from './table-name.js';

/** DeltaTable.create's options (schema or data, partitioning, properties, ...; the Delta name is the table's), plus: */
export interface CreateTableOptions extends Omit<CreateOptions, 'name'> {
  /** Create an external table at this location (a path or URL) instead of a managed one. */
  readonly location?: string;
  readonly owner?: string;
}

export async function createTable(
  ctx: CatalogContext,
  input: string | TableName,
  options: CreateTableOptions,
): Promise<CatalogTable> {
  const name = toTableName(input, ctx.defaultSchema);
  const display = formatTableName(name);
  await requireSchema(ctx.meta.db, name.schema);
  if (await selectTable(ctx.meta.db, name)) throw new TableAlreadyExistsError(display);
  const { location: external, owner, ...rest } = options;
  const deltaOptions: CreateOptions = { ...rest, name: name.table };

  if (external !== undefined) {
    const location = normalizeLocation(external);
    await checkExternalLocation(ctx, location);
    if (await DeltaTable.exists(location))
      throw new LocationInUseError(
        location,
        `already holds a Delta table: register it with ${libraryPhrase({ kind: 'registerTable', name: display, location })} instead of creating one there.`,
        { kind: 'registerTable', name: display, location },
      );
    try {
      await DeltaTable.create(location, deltaOptions);
    } catch (error) {
      if (error instanceof LakeTableExistsError)
        throw new TableAlreadyExistsError(display, ` (a concurrent create made its Delta table at ${location} first)`, {
          cause: error,
        });
      throw error;
    }
    return insertRow(ctx, name, { kind: TableKind.external, stored: location, location, owner }, true);
  }

  const base = managedRelativeLocation(name);
  const elsewhere = () => `${base}.${randomUUID().slice(0, 8)}`;
  let stored = (await DeltaTable.exists(absoluteLocation(ctx.warehouse.lakeRoot, base))) ? elsewhere() : base;
  try {
    await DeltaTable.create(absoluteLocation(ctx.warehouse.lakeRoot, stored), deltaOptions);
  } catch (error) {
    if (!(error instanceof LakeTableExistsError)) throw error;
    stored = elsewhere(); // lost the directory to a concurrent creator: the catalog row decides who gets the name
    await DeltaTable.create(absoluteLocation(ctx.warehouse.lakeRoot, stored), deltaOptions);
  }
  return insertRow(
    ctx,
    name,
    { kind: TableKind.managed, stored, location: absoluteLocation(ctx.warehouse.lakeRoot, stored), owner },
    true,
  );
}

export async function registerExternal(
  ctx: CatalogContext,
  input: string | TableName,
  rawLocation: string,
  options: { owner?: string } = {},
): Promise<CatalogTable> {
  const name = toTableName(input, ctx.defaultSchema);
  await requireSchema(ctx.meta.db, name.schema);
  if (await selectTable(ctx.meta.db, name)) throw new TableAlreadyExistsError(formatTableName(name));
  const location = normalizeLocation(rawLocation);
  await checkExternalLocation(ctx, location);
  try {
    await DeltaTable.open(location);
  } catch (error) {
    throw new InvalidLocationError(location, `it is not a readable Delta table (${(error as Error).message})`, {
      cause: error,
    });
  }
  return insertRow(ctx, name, { kind: TableKind.external, stored: location, location, owner: options.owner }, false);
}

interface Placement {
  readonly kind: TableKind;
  /** What the row stores: relative to the lake root for managed tables. */
  readonly stored: string;
  readonly location: string;
  readonly owner: string | undefined;
}

async function insertRow(
  ctx: CatalogContext,
  name: TableName,
  placement: Placement,
  created: boolean,
): Promise<CatalogTable> {
  const display = formatTableName(name);
  try {
    const row = await ctx.meta.db
      .insertInto('catalog_tables')
      .values({
        id: randomUUID(),
        schema_name: name.schema,
        table_name: name.table,
        location: placement.stored,
        kind: placement.kind,
        owner: placement.owner ?? ctx.user ?? null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toCatalogTable(row, ctx.warehouse);
  } catch (error) {
    if (hasPgErrorCode(error, PgErrorCode.uniqueViolation)) {
      let left = '';
      if (created && placement.kind === TableKind.managed)
        await removeManagedFiles(ctx, placement.location).catch(() => undefined);
      else if (created) left = `; the Delta table this call created at ${placement.location} was left in place`;
      if (pgConstraint(error) === 'catalog_tables_location_key')
        throw new LocationInUseError(placement.location, `was registered for another table meanwhile${left}.`);
      throw new TableAlreadyExistsError(display, ` (created concurrently${left})`, { cause: error });
    }
    if (created)
      throw new TableNotRecordedError(display, placement.location, placement.kind === TableKind.managed, {
        cause: error,
      });
    if (hasPgErrorCode(error, PgErrorCode.foreignKeyViolation)) throw await schemaNotFound(ctx.meta.db, name.schema);
    throw error;
  }
}
