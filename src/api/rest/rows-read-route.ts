/**
 * `GET /v1/tables/{name}/rows`: a page of rows or an aggregate (grammar in
 * row-query-parser.ts) in the Accept-negotiated format. The read is planned first and
 * pinned to the table version the plan saw, so the ETag (request + versions) names
 * exactly the body: a repeated request is a 304 or a cached body, and nothing runs.
 * Pages are bounded by the server's row limit, which is why they are buffered (the
 * cache needs whole bodies); `POST /v1/sql` streams unbounded results.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DeltaTable, openSnapshot } from '../../lake/index.js';
import type { ApiContext } from '../api-context.js';
import { principalOf } from '../auth/request-principal.js';
import { sendCacheable } from '../cache/cached-response.js';
import { encodeRows } from './formats-body.js';
import { CONTENT_TYPES, negotiateFormat } from './formats-negotiation.js';
import { compileRowQuery } from './row-query-compiler.js';
import { encodeCursor } from './row-query-cursor.js';
import { normalizedParameters, parseRowQuery, type QueryParameters, type RowQuery } from './row-query-parser.js';
import { checkLiterals } from './row-query-values.js';
import { NAME_PARAMS, READ_RESPONSES, ROWS_QUERY, TABLE_TAGS } from './tables-schemas.js';
import { tableColumns, visibleColumns } from './tables-source.js';
import { pinnedTableRef, planTableRead, sqlTableName, tableFrom, type SqlValue } from '../../engine/index.js';

export function registerRowsReadRoute(app: FastifyInstance, ctx: ApiContext): void {
  app.get<{ Params: { name: string }; Querystring: QueryParameters }>(
    '/v1/tables/:name/rows',
    {
      schema: {
        tags: TABLE_TAGS,
        summary:
          'Rows of a table: PostgREST-style filters, select (with aggregates), order, limit/offset, keyset pages, time travel',
        params: NAME_PARAMS,
        querystring: ROWS_QUERY,
        response: READ_RESPONSES,
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const query = parseRowQuery(request.query);
      const format = negotiateFormat(request.headers.accept);
      const access = await ctx.tables.access(principal, request.params.name, 'read');
      const planned = await planTableRead(access.table, await versionOf(access.table.location, query));
      const limit = Math.min(query.limit ?? ctx.limits.defaultPageSize, ctx.limits.maxRows);
      return sendCacheable(ctx, request, reply, {
        key: { route: 'rows', table: access.table.name, query: normalizedParameters(request.query), format },
        tables: planned.tables,
        produce: async () => {
          const snapshot = (await DeltaTable.open(access.table.location, { version: planned.version })).snapshot;
          const columns = visibleColumns(tableColumns(snapshot.schema), access.columns);
          const from = tableFrom(access.table.name, pinnedTableRef(sqlTableName(access.table), planned.version));
          const compiled = compileRowQuery(query, columns, from, limit);
          const result = await ctx.queries.runTableQuery({
            principal,
            query: compiled.query,
            before: (connection) => checkLiterals(compiled.literals, connection),
            maxRows: limit,
            timeoutMs: ctx.limits.queryTimeoutMs,
          });
          const body = await encodeRows(format, result.columns, result.rows);
          const last = result.rows[result.rows.length - 1];
          const full =
            limit > 0 && result.rows.length === limit && last !== undefined && compiled.cursorColumns !== null;
          const link = full
            ? nextPageLink(
                request,
                query,
                compiled.cursorColumns!.map((i) => last[i] ?? null),
              )
            : undefined;
          return { contentType: CONTENT_TYPES[format], body, ...(link === undefined ? {} : { headers: { link } }) };
        },
      });
    },
  );
}

function nextPageLink(request: FastifyRequest, query: RowQuery, values: readonly SqlValue[]): string {
  const url = new URL(request.url, 'http://strata.invalid');
  url.searchParams.set('after', encodeCursor(query.order, values));
  // The cursor says where the page starts; an offset would skip rows after it.
  url.searchParams.delete('offset');
  return `<${url.pathname}${url.search}>; rel="next"`;
}

/** The version a query reads: at_version, the version at_timestamp names, or null (the latest). */
async function versionOf(location: string, query: RowQuery): Promise<number | null> {
  if (query.atTimestamp === null) return query.atVersion;
  return (await openSnapshot(location, { timestamp: query.atTimestamp })).version;
}
