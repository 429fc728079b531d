/**
 * `GET /v1/tables/{name}/diff?from=a&to=b`: the rows versions a+1..b added, removed and
 * updated (pre and post images), from the change data feed. Grants apply as on reads:
 * only the grant's columns, only changed rows its row filter lets through (a pre-image
 * and a post-image are each shown when the filter passes them: what the reader saw
 * before and sees after). A table without the feed gets LAKE_CHANGE_DATA_FEED saying
 * how to turn it on.
 */
import type { FastifyInstance } from 'fastify';
import {
  ChangeDataFeedError,
  CHANGE_TYPE_COLUMN,
  duckdbType,
  openSnapshot,
  queryRows,
  quoteIdent,
  tableChanges,
  withConnection,
} from '../../lake/index.js';
import type { ApiContext, TableAccess } from '../api-context.js';
import { principalOf } from '../auth/request-principal.js';
import { BadRequestError } from '../errors.js';
import { ERROR, NAME_PARAMS, TABLE_TAGS } from './tables-schemas.js';
import { TABLE_DIFF } from './table-explorer-schemas.js';

interface DiffQuery {
  from: number;
  to?: number;
  offset?: number;
  limit?: number;
}

const CHANGE_COLUMNS = [CHANGE_TYPE_COLUMN, '_commit_version', '_commit_timestamp'];

export function registerTableDiffRoute(app: FastifyInstance, ctx: ApiContext): void {
  app.get<{ Params: { name: string }; Querystring: DiffQuery }>(
    '/v1/tables/:name/diff',
    {
      schema: {
        tags: TABLE_TAGS,
        summary: 'Rows added, removed and updated between two versions (change data feed)',
        params: NAME_PARAMS,
        querystring: {
          type: 'object',
          required: ['from'],
          properties: {
            from: { type: 'integer', minimum: 0, description: 'The older version' },
            to: { type: 'integer', minimum: 0, description: 'The newer version (default: the latest)' },
            offset: { type: 'integer', minimum: 0 },
            limit: { type: 'integer', minimum: 0, description: 'Page size (default: the page size)' },
          },
        },
        response: { 200: TABLE_DIFF, 400: ERROR, 404: ERROR },
      },
    },
    async (request) => {
      const access = await ctx.tables.access(principalOf(request), request.params.name, 'read');
      const latest = await openSnapshot(access.table.location);
      const { from } = request.query;
      const to = request.query.to ?? latest.version;
      if (from >= to)
        throw new BadRequestError(
          `A diff needs from < to, but from is ${from} and to is ${to}: pick an older version as from.`,
          { from, to },
        );
      const target = await openSnapshot(access.table.location, { version: to });
      if (target.configuration['delta.enableChangeDataFeed']?.toLowerCase() !== 'true')
        throw new ChangeDataFeedError(
          `${access.table.name} does not record its changes, so versions cannot be compared; turn the change data feed on with ALTER TABLE ${access.table.name} SET TBLPROPERTIES ('delta.enableChangeDataFeed' = 'true') (later commits can then be compared).`,
          { table: access.table.name, from, to },
        );
      const offset = request.query.offset ?? 0;
      const limit = Math.min(request.query.limit ?? ctx.limits.defaultPageSize, ctx.limits.maxRows);
      const feed = await tableChanges(access.table.location, from + 1, to);
      const columns = feed.schema.fields
        .filter((f) => access.columns === null || access.columns.includes(f.name))
        .map((f) => ({ name: f.name, type: duckdbType(f.type) }));
      return withConnection(async (connection) => {
        const binding = await feed.bind(connection);
        try {
          const source = `${quoteIdent(binding.view)}${rowFilter(access)}`;
          const counted = await queryRows(
            connection,
            `SELECT ${CHANGE_TYPE_COLUMN} AS kind, count(*) AS n FROM ${source} GROUP BY ALL`,
          );
          const select = [...columns.map((c) => c.name), ...CHANGE_COLUMNS].map(quoteIdent).join(', ');
          const order = ['_commit_version', ...columns.slice(0, 1).map((c) => c.name), CHANGE_TYPE_COLUMN]
            .map(quoteIdent)
            .join(', ');
          const rows = await queryRows(
            connection,
            `SELECT ${select} FROM ${source} ORDER BY ${order} LIMIT ${limit + 1} OFFSET ${offset}`,
          );
          const counts = { insert: 0, delete: 0, update_preimage: 0, update_postimage: 0 };
          for (const row of counted) counts[row.kind as keyof typeof counts] = Number(row.n);
          return {
            table: access.table.name,
            from,
            to,
            source: 'change-data-feed',
            columns,
            counts,
            changes: rows.slice(0, limit),
            offset,
            more: rows.length > limit,
          };
        } finally {
          await binding.release();
        }
      });
    },
  );
}

/** The grant's row filter over the feed (its columns are the table's): admins write it, so it is trusted SQL. */
function rowFilter(access: TableAccess): string {
  return access.rowFilter === null ? '' : ` WHERE (${access.rowFilter})`;
}
