/**
 * Row writes: `POST /v1/tables/{name}/rows` appends (JSON array or object, NDJSON,
 * CSV, Parquet; NDJSON and CSV checked line by line, with `bad_rows`), `PATCH` updates and `DELETE` deletes the rows the filters select (same
 * grammar as GET). Each is one Delta commit or nothing: every check (columns, types,
 * grant, filters) runs before the lake is asked to write. Writes need the writer role.
 * After a commit, stream listeners of the table hear of it at once.
 */
import type { FastifyInstance } from 'fastify';
import { DeltaTable, fromSql } from '../../lake/index.js';
import type { ApiContext } from '../api-context.js';
import { principalOf } from '../auth/request-principal.js';
import { rowsBodyOf } from './body-parsers.js';
import { stageLines, type BodyBadRows } from './body-lines.js';
import { stageRows } from './body-staging.js';
import { parseRowQuery, type QueryParameters } from './row-query-parser.js';
import { checkLiterals } from './row-query-values.js';
import type { TypedLiteral } from './row-query-conditions.js';
import { assignmentsOf, checkUpdatedRows, dmlPredicate } from './rows-dml.js';
import { APPEND_QUERY, APPEND_RESULT } from './rows-append-schemas.js';
import { NAME_PARAMS, PATCH_BODY, TABLE_TAGS, WRITE_QUERY, WRITE_RESPONSES, WRITE_RESULT } from './tables-schemas.js';
import { tableColumns } from './tables-source.js';

type WriteRoute = { Params: { name: string }; Querystring: QueryParameters; Body: unknown };
type AppendRoute = { Params: { name: string }; Querystring: { bad_rows?: BodyBadRows }; Body: unknown };

export function registerRowsWriteRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const bodyLimit = ctx.limits.bodyBytes;

  app.post<AppendRoute>(
    '/v1/tables/:name/rows',
    {
      bodyLimit,
      schema: {
        tags: TABLE_TAGS,
        summary:
          'Append rows: JSON array (or one object), NDJSON, CSV with a header line (text/csv), or Parquet (application/vnd.apache.parquet)',
        description:
          'NDJSON and CSV bodies are checked line by line (field count, quoting, JSON syntax, types, NOT NULL). By default a bad line refuses the whole body with 422 naming the line (1-based, as in the body) and the column; nothing is written. `bad_rows=skip` writes the other rows and counts the bad lines in `skipped`; `bad_rows=quarantine` also returns them in `rejected` (line, column, value, reason, text): the server keeps no side file.',
        params: NAME_PARAMS,
        querystring: APPEND_QUERY,
        response: {
          201: { ...APPEND_RESULT, description: 'Appended: the new version and the row count' },
          200: {
            ...APPEND_RESULT,
            description: 'Every line was bad and left out (bad_rows=skip|quarantine): nothing was committed',
          },
          ...WRITE_RESPONSES,
        },
      },
    },
    async (request, reply) => {
      const access = await ctx.tables.access(principalOf(request), request.params.name, 'write');
      const body = rowsBodyOf(request.body);
      const badRows = request.query.bad_rows ?? 'fail';
      const table = await DeltaTable.open(access.table.location);
      const rules = {
        columns: tableColumns(table.snapshot.schema),
        writable: access.columns,
        rowFilter: access.rowFilter,
      };
      const staged =
        body.kind === 'lines'
          ? await stageLines(body, table.snapshot.schema, rules, badRows)
          : { ...(await stageRows(body, rules)), rejected: [] };
      try {
        const bad = staged.rejected.length > 0 ? { skipped: staged.rejected.length } : {};
        const returned = badRows === 'quarantine' && staged.rejected.length > 0 ? { rejected: staged.rejected } : {};
        if (staged.rowCount === 0)
          return await reply
            .code(200)
            .send({ table: access.table.name, version: table.version, committed: false, rows: 0, ...bad, ...returned });
        const result = await table.append(fromSql(staged.sql));
        ctx.events.tableCommitted(access.table.name);
        return await reply.code(201).send({
          table: access.table.name,
          version: result.version,
          committed: !result.skipped,
          rows: result.numRows,
          ...bad,
          ...returned,
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
