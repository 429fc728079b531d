/**
 * `POST /v1/sql`: one SQL statement. Queries run through the QueryService (sandbox,
 * grants, row and time limits; `?max_rows=` can only lower the row limit) and answer
 * in the format `?format=` or Accept asks for (sql-answer.ts); other statements
 * (INSERT/UPDATE/DELETE/MERGE for writers, DDL and maintenance for admins) go to
 * QueryService.execute, which refuses what the role may not do. Each statement can be
 * cancelled by its owner under its `x-strata-query-id` and is recorded in the
 * principal's query history (sql-workbench-routes.ts serves both).
 */
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../api-context.js';
import { QueryHistory } from '../sql/query-history-store.js';
import { RunningQueries } from '../sql/running-queries.js';
import { negotiateFormat, type RowFormat } from './formats-negotiation.js';
import { QUERY_ID_HEADER, answerSql, type SqlTools } from './sql-answer.js';
import { FORMAT_PARAMETER, SQL_RESULT, SQL_TAGS } from './sql-schemas.js';
import { registerSqlWorkbenchRoutes } from './sql-workbench-routes.js';
import { ERROR } from './tables-schemas.js';

type SqlBody = { sql: string } | string;

interface SqlQuery {
  max_rows?: number;
  format?: RowFormat;
  download?: boolean;
}

export function registerSqlRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const tools: SqlTools = { running: new RunningQueries(), history: new QueryHistory(ctx.catalog.meta) };
  app.post<{ Body: SqlBody; Querystring: SqlQuery }>(
    '/v1/sql',
    {
      bodyLimit: ctx.limits.bodyBytes,
      schema: {
        tags: SQL_TAGS,
        summary:
          'Run one SQL statement: queries for every role (streamed as NDJSON/CSV), writes for writers, DDL for admins',
        querystring: {
          type: 'object',
          properties: {
            max_rows: { type: 'integer', minimum: 0, description: 'Lower the row limit of this query' },
            format: FORMAT_PARAMETER,
            download: { type: 'boolean', description: 'Answer as a file to save (Content-Disposition: attachment)' },
          },
        },
        headers: {
          type: 'object',
          properties: {
            [QUERY_ID_HEADER]: {
              type: 'string',
              description: 'An id for the query (1–64 of A-Z a-z 0-9 _ -) to cancel it by; default: one is made',
            },
          },
        },
        body: {
          oneOf: [
            { type: 'object', required: ['sql'], properties: { sql: { type: 'string', minLength: 1 } } },
            { type: 'string', minLength: 1, description: 'The statement as text/plain' },
          ],
        },
        response: {
          200: {
            description:
              'Query rows (JSON, NDJSON, CSV or Parquet by `format` or Accept) or, for other statements, `{statement, message, version, ...}`; the `x-strata-query-id` header names the query',
            content: { 'application/json': { schema: SQL_RESULT } },
          },
          400: ERROR,
          403: ERROR,
          404: ERROR,
          406: ERROR,
          408: ERROR,
          409: ERROR,
          413: ERROR,
        },
      },
    },
    (request, reply) =>
      answerSql(ctx, tools, request, reply, {
        text: typeof request.body === 'string' ? request.body : request.body.sql,
        format: request.query.format ?? negotiateFormat(request.headers.accept),
        maxRows: Math.min(request.query.max_rows ?? ctx.limits.maxRows, ctx.limits.maxRows),
        download: request.query.download ?? false,
        queriesOnly: false,
      }),
  );
  registerSqlWorkbenchRoutes(app, ctx, tools);
}
