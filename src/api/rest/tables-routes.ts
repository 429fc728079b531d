/**
 * The table routes: `GET /v1/tables` (the tables the token can see), `GET
 * /v1/tables/{name}` (schema, version, properties), `GET /v1/tables/{name}/history`,
 * the console's explorer routes (`/v1/catalog`, files, diff, skipping: their own files)
 * and the rows routes (rows-read-route.ts, rows-write-routes.ts). Everything a token
 * sees is cut to its grant: ungranted tables do not exist (404) and a column
 * allow-list hides the other columns from the schema too.
 */
import type { FastifyInstance } from 'fastify';
import type { CatalogTable } from '../../catalog/index.js';
import { planTableRead } from '../../engine/index.js';
import {
  DeltaTable,
  duckdbType,
  tableConstraints,
  typeToString,
  type HistoryEntry,
  type Snapshot,
} from '../../lake/index.js';
import type { ApiContext, TableAccess } from '../api-context.js';
import { hasRole } from '../../catalog/index.js';
import { principalOf } from '../auth/request-principal.js';
import { sendCacheable } from '../cache/cached-response.js';
import { redactHistoryEntry } from '../../engine/index.js';
import { registerBodyParsers } from './body-parsers.js';
import { TABLE_LIST_RESPONSE } from './console-response-schemas.js';
import { CONTENT_TYPES } from './formats-negotiation.js';
import { registerRowsReadRoute } from './rows-read-route.js';
import { registerRowsWriteRoutes } from './rows-write-routes.js';
import { ERROR, NAME_PARAMS, TABLE_TAGS } from './tables-schemas.js';
import { HISTORY, TABLE_DETAIL } from './table-explorer-schemas.js';
import { registerCatalogTreeRoute } from './catalog-tree-route.js';
import { registerTableDiffRoute } from './table-diff-route.js';
import { registerTableFilesRoute } from './table-files-route.js';
import { registerTableSkippingRoute } from './table-skipping-route.js';
import { isRestricted } from './table-explorer-access.js';

export function registerTableRoutes(app: FastifyInstance, ctx: ApiContext): void {
  // Encapsulated, so the NDJSON/Parquet body parsers apply to these routes only.
  void app.register(async (scope) => {
    registerBodyParsers(scope, ctx.limits.bodyBytes);
    registerCatalogRoutes(scope, ctx);
    registerCatalogTreeRoute(scope, ctx, listed);
    registerTableFilesRoute(scope, ctx);
    registerTableDiffRoute(scope, ctx);
    registerTableSkippingRoute(scope, ctx);
    registerRowsReadRoute(scope, ctx);
    registerRowsWriteRoutes(scope, ctx);
  });
}

function registerCatalogRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get(
    '/v1/tables',
    {
      schema: {
        tags: TABLE_TAGS,
        summary: 'The tables this token can see',
        response: { 200: TABLE_LIST_RESPONSE },
      },
    },
    async (request) => {
      const tables = await ctx.tables.visible(principalOf(request));
      return { tables: tables.map(listed) };
    },
  );

  app.get<{ Params: { name: string } }>(
    '/v1/tables/:name',
    {
      schema: {
        tags: TABLE_TAGS,
        summary: 'A table: columns and types, version, partitioning, properties',
        params: NAME_PARAMS,
        response: {
          200: { ...TABLE_DETAIL, description: 'The table (cacheable: ETag from its version)' },
          304: { description: 'Not modified' },
          404: ERROR,
        },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const access = await ctx.tables.access(principal, request.params.name, 'read');
      const planned = await planTableRead(access.table, null);
      const admin = hasRole(principal, 'admin');
      return sendCacheable(ctx, request, reply, {
        key: { route: 'table', table: access.table.name, admin },
        tables: planned.tables,
        produce: async () => {
          const snapshot = (await DeltaTable.open(access.table.location, { version: planned.version })).snapshot;
          return {
            contentType: CONTENT_TYPES.json,
            body: Buffer.from(JSON.stringify(detail(access, snapshot, admin))),
          };
        },
      });
    },
  );

  app.get<{ Params: { name: string }; Querystring: { limit?: number } }>(
    '/v1/tables/:name/history',
    {
      schema: {
        tags: TABLE_TAGS,
        summary: 'Commits of a table, newest first',
        params: NAME_PARAMS,
        querystring: {
          type: 'object',
          properties: { limit: { type: 'integer', minimum: 0, description: 'Most entries (default: the page size)' } },
        },
        response: {
          200: {
            ...HISTORY,
            description:
              "Newest first; a token whose grant limits the table's rows or columns gets `{version, timestamp, operation}` only",
          },
          304: { description: 'Not modified' },
          404: ERROR,
        },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const access = await ctx.tables.access(principal, request.params.name, 'read');
      const planned = await planTableRead(access.table, null);
      const limit = Math.min(request.query.limit ?? ctx.limits.defaultPageSize, ctx.limits.maxRows);
      const restricted = isRestricted(access);
      return sendCacheable(ctx, request, reply, {
        key: { route: 'history', table: access.table.name, limit },
        tables: planned.tables,
        produce: async () => {
          // History of the planned version and older, so the body matches the ETag even if a commit lands meanwhile.
          const entries = (await (await DeltaTable.open(access.table.location)).history())
            .filter((e) => e.version <= planned.version)
            .slice(0, limit);
          return {
            contentType: CONTENT_TYPES.json,
            body: Buffer.from(
              JSON.stringify({
                table: access.table.name,
                // A grant that hides rows or columns hides what commits say about them (see history-redaction.ts).
                history: entries.map((e) => (restricted ? redactHistoryEntry(historyEntry(e)) : historyEntry(e))),
              }),
            ),
          };
        },
      });
    },
  );
}

function listed(table: CatalogTable): Record<string, unknown> {
  return {
    name: table.name,
    schema: table.schema,
    table: table.table,
    kind: table.kind,
    owner: table.owner ?? null,
    createdAt: table.createdAt.toISOString(),
  };
}

function detail(access: TableAccess, snapshot: Snapshot, admin: boolean): Record<string, unknown> {
  const allowed = access.columns;
  const fields = snapshot.schema.fields.filter((f) => allowed === null || allowed.includes(f.name));
  const metadata = snapshot.metadata;
  const whole = !isRestricted(access);
  return {
    ...listed(access.table),
    // Where the files are is an operator's concern, and a path says more than a reader needs.
    ...(admin ? { location: access.table.location } : {}),
    version: snapshot.version,
    columns: fields.map((f) => ({
      name: f.name,
      type: typeToString(f.type),
      duckdbType: duckdbType(f.type),
      nullable: f.nullable,
      comment: typeof f.metadata.comment === 'string' ? f.metadata.comment : null,
    })),
    partitionColumns: snapshot.partitionColumns.filter((c) => fields.some((f) => f.name === c)),
    constraints: constraints(snapshot, fields, allowed === null),
    properties: allowed === null ? metadata.configuration : withoutConstraints(metadata.configuration),
    description: metadata.description ?? null,
    restricted: { columns: access.columns !== null, rows: access.rowFilter !== null },
    // File counts and sizes describe all rows and columns: only for a grant that covers them.
    ...(whole ? { numFiles: snapshot.files.length, sizeBytes: snapshot.files.reduce((n, f) => n + f.size, 0) } : {}),
    ...(access.rowFilter === null ? { numRows: snapshot.numRecords ?? null } : {}),
    lastCommitAt: new Date(snapshot.timestamp).toISOString(),
  };
}

/**
 * NOT NULL and CHECK constraints (and legacy invariants). A column allow-list hides the
 * CHECKs and invariants, whose expressions may name hidden columns, and the NOT NULLs of hidden columns.
 */
function constraints(
  snapshot: Snapshot,
  visible: readonly { name: string }[],
  allColumns: boolean,
): Array<Record<string, string>> {
  return tableConstraints(snapshot.schema, snapshot.metadata).flatMap((rule) => {
    const kind = rule.name.startsWith('NOT NULL ')
      ? 'not_null'
      : rule.name.startsWith('INVARIANT ')
        ? 'invariant'
        : 'check';
    const column = kind === 'not_null' ? rule.name.slice('NOT NULL '.length).split('.')[0] : undefined;
    const shown = allColumns || (column !== undefined && visible.some((f) => f.name === column));
    return shown ? [{ kind, name: rule.name, expression: rule.expression }] : [];
  });
}

function withoutConstraints(configuration: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(configuration).filter(([key]) => !key.startsWith('delta.constraints.')));
}

function historyEntry(entry: HistoryEntry): Record<string, unknown> {
  return {
    version: entry.version,
    timestamp: new Date(entry.timestamp).toISOString(),
    operation: entry.operation,
    operationParameters: entry.operationParameters,
    operationMetrics: entry.operationMetrics,
    ...(entry.readVersion === undefined ? {} : { readVersion: entry.readVersion }),
    ...(entry.isBlindAppend === undefined ? {} : { isBlindAppend: entry.isBlindAppend }),
    ...(entry.engineInfo === undefined ? {} : { engineInfo: entry.engineInfo }),
  };
}
