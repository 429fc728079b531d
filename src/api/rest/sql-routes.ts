/**
 * `POST /v1/sql`: one SQL statement. Queries run through the QueryService (sandbox,
 * grants, row and time limits; `?max_rows=` can only lower the row limit) and answer
 * in the Accept-negotiated format: NDJSON and CSV are streamed batch by batch as the
 * query produces them; JSON (`{columns, rows, rowCount, truncated}`) and Parquet are
 * buffered, which the row limit bounds. Other statements (INSERT/UPDATE/DELETE/MERGE
 * for writers, DDL and maintenance for admins) go to QueryService.execute, which
 * refuses what the role may not do; a committed write is announced to stream
 * listeners of its table.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { formatTableName, quoteIdentifier } from '../../catalog/index.js';
import { parseStatement, splitStatements, type Statement, type StatementResult } from '../../engine/index.js';
import type { ApiContext } from '../api-context.js';
import { principalOf } from '../auth/request-principal.js';
import { BadRequestError } from '../errors.js';
import type { QueryRequest } from '../sql/query-service.js';
import { encodeRows } from './formats-body.js';
import { CONTENT_TYPES, negotiateFormat, type RowFormat } from './formats-negotiation.js';
import { csvHeader, csvLines, ndjsonLines, rowObject } from './formats-writers.js';
import { ERROR } from './tables-schemas.js';

type SqlBody = { sql: string } | string;

export function registerSqlRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.post<{ Body: SqlBody; Querystring: { max_rows?: number } }>(
    '/v1/sql',
    {
      bodyLimit: ctx.limits.bodyBytes,
      schema: {
        tags: ['sql'],
        summary:
          'Run one SQL statement: queries for every role (streamed as NDJSON/CSV), writes for writers, DDL for admins',
        querystring: {
          type: 'object',
          properties: { max_rows: { type: 'integer', minimum: 0, description: 'Lower the row limit of this query' } },
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
              'Query rows (JSON, NDJSON, CSV or Parquet by Accept) or, for other statements, `{statement, message, version}`',
          },
          400: ERROR,
          403: ERROR,
          404: ERROR,
          406: ERROR,
          408: ERROR,
          413: ERROR,
        },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const text = typeof request.body === 'string' ? request.body : request.body.sql;
      const statements = splitStatements(text);
      if (statements.length !== 1)
        throw new BadRequestError(`Send one statement per request; the text has ${statements.length}.`, {
          statements: statements.length,
        });
      const statement = parseStatement(statements[0]!);
      if (statement.kind !== 'query') {
        const result = await ctx.queries.execute(principal, statements[0]!);
        announce(ctx, statement, result);
        return statementBody(result);
      }
      const format = negotiateFormat(request.headers.accept);
      const maxRows = Math.min(request.query.max_rows ?? ctx.limits.maxRows, ctx.limits.maxRows);
      const query: QueryRequest = { principal, sql: statements[0]!, maxRows, timeoutMs: ctx.limits.queryTimeoutMs };
      reply.header('content-type', CONTENT_TYPES[format]).header('x-strata-max-rows', String(maxRows));
      if (format === 'ndjson' || format === 'csv') return reply.send(await streamed(ctx, query, format));
      const result = await ctx.queries.run(query);
      if (format === 'parquet') return reply.send(await encodeRows('parquet', result.columns, result.rows));
      return reply.send(
        Buffer.from(
          JSON.stringify({
            columns: result.columns,
            rows: result.rows.map((r) => rowObject(result.columns, r)),
            rowCount: result.rowCount,
            truncated: result.truncated,
          }),
        ),
      );
    },
  );
}

/** The query's batches as NDJSON or CSV text; the query's resources go when the stream ends or breaks. */
async function streamed(
  ctx: ApiContext,
  query: QueryRequest,
  format: Extract<RowFormat, 'ndjson' | 'csv'>,
): Promise<Readable> {
  // Started before the response, so a bad query is still a 4xx rather than a cut stream.
  const stream = await ctx.queries.stream(query);
  async function* lines(): AsyncGenerator<string> {
    try {
      if (format === 'csv') yield csvHeader(stream.columns);
      for await (const batch of stream) yield format === 'csv' ? csvLines(batch) : ndjsonLines(stream.columns, batch);
    } finally {
      await stream.close();
    }
  }
  return Readable.from(lines());
}

function statementBody(result: StatementResult): Record<string, unknown> {
  return {
    statement: result.statement,
    ...(result.message === undefined ? {} : { message: result.message }),
    ...(result.version === undefined ? {} : { version: result.version }),
    columns: result.columns,
    rows: result.rows.map((r) => rowObject(result.columns, r)),
    rowCount: result.rowCount,
  };
}

function announce(ctx: ApiContext, statement: Statement, result: StatementResult): void {
  if (result.version === undefined) return;
  const ref = statement.kind === 'merge' ? statement.target : 'name' in statement ? statement.name : undefined;
  if (ref === undefined) return;
  const name = formatTableName(
    ctx.catalog.resolve(
      ref.schema === undefined ? quoteIdentifier(ref.table) : { schema: ref.schema, table: ref.table },
    ),
  );
  ctx.events.tableCommitted(name);
}
