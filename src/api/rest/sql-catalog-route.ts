/**
 * `GET /v1/sql/catalog`: every table the principal can read with its columns and
 * types, in one request, for the SQL editor's completion. A table outside the
 * principal's grants is absent, and so is a column its grant hides.
 */
import type { FastifyInstance } from 'fastify';
import { isStrataError } from '../../core/index.js';
import { DeltaTable, duckdbType } from '../../lake/index.js';
import type { ApiContext } from '../api-context.js';
import { principalOf } from '../auth/request-principal.js';
import { CATALOG_RESPONSE, SQL_TAGS } from './sql-schemas.js';

export function registerSqlCatalogRoute(app: FastifyInstance, ctx: ApiContext): void {
  app.get(
    '/v1/sql/catalog',
    {
      schema: {
        tags: SQL_TAGS,
        summary: 'The tables this token can read, with their visible columns and types (for completion)',
        response: { 200: CATALOG_RESPONSE },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const visible = await ctx.tables.visible(principal);
      const tables = await Promise.all(
        visible.map(async (table) => {
          try {
            const access = await ctx.tables.access(principal, table.name, 'read');
            const snapshot = (await DeltaTable.open(table.location)).snapshot;
            const columns = snapshot.schema.fields
              .filter((f) => access.columns === null || access.columns.includes(f.name))
              .map((f) => ({ name: f.name, type: duckdbType(f.type) }));
            return { name: table.name, schema: table.schema, table: table.table, kind: table.kind, columns };
          } catch (error) {
            // A table dropped meanwhile, or one whose files are unreadable, is left out rather than failing the list.
            if (isStrataError(error)) return undefined;
            throw error;
          }
        }),
      );
      return { tables: tables.filter((t) => t !== undefined) };
    },
  );
}
