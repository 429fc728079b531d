/**
 * Row writes: `POST /v1/tables/{name}/rows` appends (JSON array or object, NDJSON,
 * Parquet), `PATCH` updates and `DELETE` deletes the rows the filters select (same
 * grammar as GET). Each is one Delta commit or nothing: every check (columns, types,
 * grant, filters) runs before the lake is asked to write. Writes need the writer role.
 * After a commit, stream listeners of the table hear of it at once.
 */
import type { FastifyInstance } from 'fastify';
import { DeltaTable, fromSql } from '../../lake/index.js';
import type { ApiContext } from '../api-context.js';
import { principalOf } from '../auth/request-principal.js';
import { rowsBodyOf } from './body-parsers.js';
import { stageRows } from './body-staging.js';
import { parseRowQuery, type QueryParameters } from './row-query-parser.js';
import { checkLiterals } from './row-query-values.js';
import type { TypedLiteral } from './row-query-conditions.js';
import { assignmentsOf, checkUpdatedRows, dmlPredicate } from './rows-dml.js';
import { NAME_PARAMS, PATCH_BODY, TABLE_TAGS, WRITE_QUERY, WRITE_RESPONSES, WRITE_RESULT } from './tables-schemas.js';
import { tableColumns } from './tables-source.js';

type WriteRoute = { Params: { name: string }; Querystring: QueryParameters; Body: unknown };

export function registerRowsWriteRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const bodyLimit = ctx.limits.bodyBytes;

  app.post<WriteRoute>(
    '/v1/tables/:name/rows',
    {
      bodyLimit,
      schema: {
        tags: TABLE_TAGS,
        summary: 'Append rows: JSON array (or one object), NDJSON, or Parquet (application/vnd.apache.parquet)',
        params: NAME_PARAMS,
        response: {
          201: { ...WRITE_RESULT, description: 'Appended: the new version and the row count' },
          ...WRITE_RESPONSES,
        },
      },
    },
    async (request, reply) => {
      const access = await ctx.tables.access(principalOf(request), request.params.name, 'write');
      const body = rowsBodyOf(request.body);
      const table = await DeltaTable.open(access.table.location);
      const staged = await stageRows(body, {
        columns: tableColumns(table.snapshot.schema),
        writable: access.columns,
        rowFilter: access.rowFilter,
      });
      try {
        const result = await table.append(fromSql(staged.sql));
        ctx.events.tableCommitted(access.table.name);
        return await reply.code(201).send({
          table: access.table.name,
          version: result.version,
          committed: !result.skipped,
          rows: result.numRows,
        });
      } finally {
        await staged.release();
      }
    },
  );

  app.patch<WriteRoute>(
    '/v1/tables/:name/rows',
    {
      bodyLimit,
      schema: {
        tags: TABLE_TAGS,
        summary: 'Update the rows the filters select (all=true for every row)',
        params: NAME_PARAMS,
        querystring: WRITE_QUERY,
        body: PATCH_BODY,
        response: {
          200: { ...WRITE_RESULT, description: 'Updated: the new version and the row count' },
          ...WRITE_RESPONSES,
        },
      },
    },
    async (request) => {
      const query = parseRowQuery(request.query);
      const access = await ctx.tables.access(principalOf(request), request.params.name, 'write');
      const table = await DeltaTable.open(access.table.location);
      const literals: TypedLiteral[] = [];
      const set = assignmentsOf(request.body, tableColumns(table.snapshot.schema), access, literals);
      await checkLiterals(literals);
      const plan = await dmlPredicate(query, access, table.snapshot);
      await checkUpdatedRows(table.snapshot, plan, set, access.rowFilter);
      const result = await table.update(set, plan.predicate);
      if (result.committed) ctx.events.tableCommitted(access.table.name);
      return {
        table: access.table.name,
        version: result.version,
        committed: result.committed,
        rows: result.numUpdatedRows,
      };
    },
  );

  app.delete<WriteRoute>(
    '/v1/tables/:name/rows',
    {
      schema: {
        tags: TABLE_TAGS,
        summary: 'Delete the rows the filters select (all=true for every row)',
        params: NAME_PARAMS,
        querystring: WRITE_QUERY,
        response: {
          200: { ...WRITE_RESULT, description: 'Deleted: the new version and the row count' },
          ...WRITE_RESPONSES,
        },
      },
    },
    async (request) => {
      const query = parseRowQuery(request.query);
      const access = await ctx.tables.access(principalOf(request), request.params.name, 'write');
      const table = await DeltaTable.open(access.table.location);
      const plan = await dmlPredicate(query, access, table.snapshot);
      const result = await table.delete(plan.predicate);
      if (result.committed) ctx.events.tableCommitted(access.table.name);
      return {
        table: access.table.name,
        version: result.version,
        committed: result.committed,
        rows: result.numDeletedRows,
      };
    },
  );
}
