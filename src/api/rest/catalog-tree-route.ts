/**
 * `GET /v1/catalog`: the console's catalog tree, schemas with their tables (managed and
 * external; the catalog has no views yet). Only what the principal may read: a table it
 * is not granted is absent, as are schemas left empty by that (admins see every schema).
 */
import type { FastifyInstance } from 'fastify';
import type { CatalogTable } from '../../catalog/index.js';
import type { ApiContext } from '../api-context.js';
import { hasRole } from '../../catalog/index.js';
import { principalOf } from '../auth/request-principal.js';
import { CATALOG_TREE } from './table-explorer-schemas.js';
import { TABLE_TAGS } from './tables-schemas.js';

export function registerCatalogTreeRoute(
  app: FastifyInstance,
  ctx: ApiContext,
  listed: (t: CatalogTable) => unknown,
): void {
  app.get(
    '/v1/catalog',
    {
      schema: {
        tags: TABLE_TAGS,
        summary: 'The catalog tree: schemas and the tables in them this token can see',
        response: { 200: CATALOG_TREE },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const [schemas, tables] = await Promise.all([ctx.catalog.listSchemas(), ctx.tables.visible(principal)]);
      const admin = hasRole(principal, 'admin');
      const bySchema = new Map<string, CatalogTable[]>();
      for (const table of tables) bySchema.set(table.schema, [...(bySchema.get(table.schema) ?? []), table]);
      return {
        schemas: schemas
          .filter((s) => admin || bySchema.has(s.name))
          .sort((a, b) => a.name.localeCompare(b.name))
          .map((s) => ({
            name: s.name,
            owner: admin ? (s.owner ?? null) : null,
            tables: (bySchema.get(s.name) ?? []).sort((a, b) => a.table.localeCompare(b.table)).map(listed),
          })),
      };
    },
  );
}
