/** Schemas: namespaces of tables. `main` exists from the first migration and cannot be dropped. */
import type { Selectable } from 'kysely';
import { InvalidArgumentError } from '../core/index.js';
import { hasPgErrorCode, PgErrorCode } from '../meta/index.js';
import type { CatalogDb, CatalogSchemasTable } from './catalog-tables.js';
import type { CatalogContext } from './catalog-context.js';
import { SchemaAlreadyExistsError, SchemaNotEmptyError, SchemaNotFoundError } from './errors.js';
import { suggestNames } from './name-suggestions.js';
import { DEFAULT_SCHEMA, formatTableName, parseIdentifier, quoteIdentifier } from './table-name.js';

export interface CatalogSchema {
  readonly name: string;
  readonly owner?: string;
  readonly createdAt: Date;
}

function toCatalogSchema(row: Selectable<CatalogSchemasTable>): CatalogSchema {
  return { name: row.name, ...(row.owner === null ? {} : { owner: row.owner }), createdAt: row.created_at };
}

export async function createSchema(
  ctx: CatalogContext,
  text: string,
  options: { owner?: string; ifNotExists?: boolean } = {},
): Promise<CatalogSchema> {
  const name = parseIdentifier(text);
  const owner = options.owner ?? ctx.user ?? null;
  try {
    return toCatalogSchema(
      await ctx.meta.db.insertInto('catalog_schemas').values({ name, owner }).returningAll().executeTakeFirstOrThrow(),
    );
  } catch (error) {
    if (!hasPgErrorCode(error, PgErrorCode.uniqueViolation)) throw error;
    if (!options.ifNotExists) throw new SchemaAlreadyExistsError(quoteIdentifier(name));
    return toCatalogSchema(
      await ctx.meta.db.selectFrom('catalog_schemas').selectAll().where('name', '=', name).executeTakeFirstOrThrow(),
    );
  }
}

export async function listSchemas(ctx: CatalogContext): Promise<CatalogSchema[]> {
  return (await ctx.meta.db.selectFrom('catalog_schemas').selectAll().orderBy('name').execute()).map(toCatalogSchema);
}

export async function dropSchema(
  ctx: CatalogContext,
  text: string,
  options: { ifExists?: boolean } = {},
): Promise<boolean> {
  const name = parseIdentifier(text);
  if (name === DEFAULT_SCHEMA)
    throw new InvalidArgumentError(`The default schema ${DEFAULT_SCHEMA} cannot be dropped.`, { schema: name });
  const tables = await ctx.meta.db
    .selectFrom('catalog_tables')
    .select(['schema_name', 'table_name'])
    .where('schema_name', '=', name)
    .orderBy('table_name')
    .execute();
  if (tables.length > 0)
    throw new SchemaNotEmptyError(
      quoteIdentifier(name),
      tables.map((t) => formatTableName({ schema: t.schema_name, table: t.table_name })),
    );
  try {
    const deleted = await ctx.meta.db.deleteFrom('catalog_schemas').where('name', '=', name).executeTakeFirst();
    if (deleted.numDeletedRows > 0n) return true;
  } catch (error) {
    // A table created in it meanwhile.
    if (hasPgErrorCode(error, PgErrorCode.foreignKeyViolation)) return dropSchema(ctx, text, options);
    throw error;
  }
  if (options.ifExists) return false;
  throw await schemaNotFound(ctx.meta.db, name);
}

/** Throws SchemaNotFoundError (with suggestions) unless the schema exists. */
export async function requireSchema(db: CatalogDb, name: string): Promise<void> {
  const found = await db.selectFrom('catalog_schemas').select('name').where('name', '=', name).executeTakeFirst();
  if (!found) throw await schemaNotFound(db, name);
}

export async function schemaNotFound(db: CatalogDb, name: string): Promise<SchemaNotFoundError> {
  const names = (await db.selectFrom('catalog_schemas').select('name').execute()).map((r) => r.name);
  return new SchemaNotFoundError(quoteIdentifier(name), suggestNames(name, names).map(quoteIdentifier));
}
