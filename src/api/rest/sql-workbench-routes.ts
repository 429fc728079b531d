/**
 * The SQL workbench's routes beside `POST /v1/sql`: cancel a running query
 * (`DELETE /v1/sql/queries/{id}`, its owner only), the query history
 * (`GET /v1/sql/history`: one's own; admins may name a `user`), EXPLAIN with the
 * pruning report (`POST /v1/sql/explain`) and export (`GET /v1/sql/export`: a query's
 * result as a CSV or Parquet download a browser link can start; reads only).
 */
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../api-context.js';
import { ApiRole, requireRole } from '../../catalog/index.js';
import { principalOf } from '../auth/request-principal.js';
import { answerSql, type SqlTools } from './sql-answer.js';
import { registerSqlCatalogRoute } from './sql-catalog-route.js';
import { CANCEL_RESPONSE, EXPLAIN_RESPONSE, HISTORY_RESPONSE, SQL_BODY, SQL_TAGS } from './sql-schemas.js';
import { ERROR } from './tables-schemas.js';

export function registerSqlWorkbenchRoutes(app: FastifyInstance, ctx: ApiContext, tools: SqlTools): void {
  app.delete<{ Params: { id: string } }>(
    '/v1/sql/queries/:id',
    {
      schema: {
        tags: SQL_TAGS,
        summary: 'Cancel a running query of this token (its id from the `x-strata-query-id` header)',
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
        response: { 200: CANCEL_RESPONSE, 404: ERROR },
      },
    },
    async (request) => {
      tools.running.cancel(principalOf(request), request.params.id);
      return { id: request.params.id, cancelled: true };
    },
  );

  app.get<{ Querystring: { user?: string; limit?: number } }>(
    '/v1/sql/history',
    {
      schema: {
        tags: SQL_TAGS,
        summary: "This token's SQL statements, newest first (admins: any user's with `user`)",
        querystring: {
          type: 'object',
          properties: {
            user: { type: 'string', description: 'Another token name (admins only)' },
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
          },
        },
        response: { 200: HISTORY_RESPONSE, 403: ERROR },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const user = request.query.user ?? principal.name;
      if (user !== principal.name) requireRole(principal, ApiRole.admin, "Reading another user's query history");
      return { user, entries: await tools.history.list(user, request.query.limit ?? 100) };
    },
  );

  app.post<{ Body: { sql: string } }>(
    '/v1/sql/explain',
    {
      schema: {
        tags: SQL_TAGS,
        summary: "A query's plan, with files kept and skipped per table scan (by partition, stats, join keys)",
        body: SQL_BODY,
        response: { 200: EXPLAIN_RESPONSE, 400: ERROR, 403: ERROR, 404: ERROR },
      },
    },
    async (request) =>
      ctx.queries.explain({
        principal: principalOf(request),
        // The route explains; an `EXPLAIN` the editor's text starts with is the same request.
        sql: request.body.sql.replace(/^\s*EXPLAIN(\s+ANALY[SZ]E)?\s+/i, ''),
        timeoutMs: ctx.limits.queryTimeoutMs,
      }),
  );

  app.get<{ Querystring: { sql: string; format: 'csv' | 'parquet' } }>(
    '/v1/sql/export',
    {
      schema: {
        tags: SQL_TAGS,
        summary: "A query's result as a file download (CSV or Parquet); queries only",
        querystring: {
          type: 'object',
          required: ['sql', 'format'],
          properties: { sql: { type: 'string', minLength: 1 }, format: { type: 'string', enum: ['csv', 'parquet'] } },
        },
        response: {
          200: { description: 'The file (Content-Disposition: attachment)' },
          400: ERROR,
          403: ERROR,
          404: ERROR,
        },
      },
    },
    (request, reply) =>
      answerSql(ctx, tools, request, reply, {
        text: request.query.sql,
        format: request.query.format,
        maxRows: ctx.limits.maxRows,
        download: true,
        queriesOnly: true,
      }),
  );

  registerSqlCatalogRoute(app, ctx);
}
