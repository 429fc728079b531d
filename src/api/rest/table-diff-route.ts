/**
 * `GET /v1/tables/{name}/diff?from=a&to=b`: the rows versions a+1..b added, removed and
 * updated. From the change data feed when it covers the range (table-diff-feed.ts);
 * otherwise the set difference of the two versions' rows (table-diff-snapshots.ts),
 * labelled as such with how to turn the feed on. Grants apply as on reads either way.
 */
import type { FastifyInstance } from 'fastify';
import { ChangeDataFeedError, openSnapshot, tableChanges, type ChangeFeed } from '../../lake/index.js';
import type { ApiContext } from '../api-context.js';
import { principalOf } from '../auth/request-principal.js';
import { BadRequestError } from '../errors.js';
import { ERROR, NAME_PARAMS, TABLE_TAGS } from './tables-schemas.js';
import { TABLE_DIFF } from './table-explorer-schemas.js';
import { feedDiff } from './table-diff-feed.js';
import { snapshotDiff } from './table-diff-snapshots.js';

interface DiffQuery {
  from: number;
  to?: number;
  offset?: number;
  limit?: number;
}

const NO_COUNTS = { insert: 0, delete: 0, update_preimage: 0, update_postimage: 0 };

export function registerTableDiffRoute(app: FastifyInstance, ctx: ApiContext): void {
  app.get<{ Params: { name: string }; Querystring: DiffQuery }>(
    '/v1/tables/:name/diff',
    {
      schema: {
        tags: TABLE_TAGS,
        summary: 'Rows added, removed and updated between two versions (change data feed, else set difference)',
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
      const principal = principalOf(request);
      const access = await ctx.tables.access(principal, request.params.name, 'read');
      const { from } = request.query;
      const to = request.query.to ?? (await openSnapshot(access.table.location)).version;
      if (from >= to)
        throw new BadRequestError(
          `A diff needs from < to, but from is ${from} and to is ${to}: pick an older version as from.`,
          { from, to },
        );
      const range = {
        from,
        to,
        offset: request.query.offset ?? 0,
        limit: Math.min(request.query.limit ?? ctx.limits.defaultPageSize, ctx.limits.maxRows),
      };
      const feed = await changeFeed(access.table.location, from, to);
      const page = feed ? await feedDiff(feed, access, range) : await snapshotDiff(ctx, principal, access, range);
      return {
        table: access.table.name,
        from,
        to,
        source: page.source,
        note: feed
          ? null
          : `${access.table.name} did not record its changes for these versions, so this is the set difference of their rows (an update shows as a delete and an insert). To see updates and commit versions, turn the change data feed on: ALTER TABLE ${access.table.name} SET TBLPROPERTIES ('delta.enableChangeDataFeed' = 'true').`,
        columns: page.columns,
        counts: { ...NO_COUNTS, ...page.counts },
        changes: page.rows.slice(0, range.limit),
        offset: range.offset,
        more: page.rows.length > range.limit,
      };
    },
  );
}

/** The feed of versions from+1..to, or undefined when some of them did not record changes. */
async function changeFeed(location: string, from: number, to: number): Promise<ChangeFeed | undefined> {
  try {
    return await tableChanges(location, from + 1, to);
  } catch (error) {
    if (error instanceof ChangeDataFeedError) return undefined;
    throw error;
  }
}
