/** External locations: normalized, outside the managed lake root, not used by another table. */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { schemeOf } from '../storage/index.js';
import type { CatalogContext } from './catalog-context.js';
import { InvalidLocationError, LocationInUseError } from './errors.js';
import { isInside } from './managed-location.js';
import { formatTableName } from './table-name.js';

/** An absolute path for plain paths (relative to the working directory); URLs as given, without a trailing slash. */
export function normalizeLocation(location: string): string {
  const trimmed = location.trim();
  if (trimmed === '') throw new InvalidLocationError(location, 'it is empty');
  return schemeOf(trimmed) === undefined ? path.resolve(trimmed) : trimmed.replace(/\/+$/, '');
}

/** Refuses a location inside the lake root or already registered for another table. */
export async function checkExternalLocation(ctx: CatalogContext, location: string): Promise<void> {
  const scheme = schemeOf(location);
  const localPath = scheme === undefined ? location : scheme === 'file' ? fileURLToPath(location) : undefined;
  if (
    localPath !== undefined &&
    (isInside(ctx.warehouse.lakeRoot, localPath) || isInside(localPath, ctx.warehouse.lakeRoot))
  ) {
    throw new InvalidLocationError(
      location,
      `it overlaps the warehouse's managed lake root ${ctx.warehouse.lakeRoot}, where Strata places and deletes managed tables. Use a location outside it, or create a managed table.`,
    );
  }
  const taken = await ctx.meta.db
    .selectFrom('catalog_tables')
    .select(['schema_name', 'table_name'])
    .where('location', '=', location)
    .executeTakeFirst();
  if (taken)
    throw new LocationInUseError(
      location,
      `is already registered as table ${formatTableName({ schema: taken.schema_name, table: taken.table_name })}; one location can have one name.`,
    );
}
