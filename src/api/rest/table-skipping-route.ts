/**
 * `GET /v1/tables/{name}/skipping?where=<SQL predicate>`: which data files a scan with
 * that filter reads and why each other file is skipped (the partition value or the
 * column stats that rule it out), from the engine's own skipping (explainSkipping).
 * File facts, so principals whose grant limits the table get 403.
 */
import type { FastifyInstance } from 'fastify';
import { explainSkipping, type FileSkipping } from '../../engine/index.js';
import { openSnapshot } from '../../lake/index.js';
import type { ApiContext } from '../api-context.js';
import { principalOf } from '../auth/request-principal.js';
import { ERROR, NAME_PARAMS, TABLE_TAGS } from './tables-schemas.js';
import { TABLE_SKIPPING } from './table-explorer-schemas.js';
import { filePath, fileRows, requireWholeTable } from './table-explorer-access.js';
import { VERSION_PARAMETER } from './table-files-route.js';

interface SkippingQuery {
  where: string;
  version?: number;
  limit?: number;
}

export function registerTableSkippingRoute(app: FastifyInstance, ctx: ApiContext): void {
  app.get<{ Params: { name: string }; Querystring: SkippingQuery }>(
    '/v1/tables/:name/skipping',
    {
      schema: {
        tags: TABLE_TAGS,
        summary: 'Data skipping explained: the files a filter keeps and skips, and why',
        params: NAME_PARAMS,
        querystring: {
          type: 'object',
          required: ['where'],
          properties: {
            where: {
              type: 'string',
              minLength: 1,
              description:
                "A SQL predicate over the table's columns, e.g. `day >= DATE '2024-01-05' AND region = 'EU'`",
            },
            version: VERSION_PARAMETER,
            limit: { type: 'integer', minimum: 0, description: 'Most files listed, kept first (counts cover all)' },
          },
        },
        response: { 200: TABLE_SKIPPING, 400: ERROR, 403: ERROR, 404: ERROR },
      },
    },
    async (request) => {
      const access = await ctx.tables.access(principalOf(request), request.params.name, 'read');
      requireWholeTable(access, 'Data skipping');
      const snapshot = await openSnapshot(access.table.location, { version: request.query.version });
      const explained = await explainSkipping(snapshot, request.query.where);
      const kept = explained.files.filter((f) => f.kept);
      const limit = Math.min(request.query.limit ?? ctx.limits.defaultPageSize, ctx.limits.maxRows);
      const listed = [...kept, ...explained.files.filter((f) => !f.kept)].slice(0, limit);
      return {
        table: access.table.name,
        version: snapshot.version,
        filter: request.query.where,
        understood: explained.understood,
        filesTotal: explained.files.length,
        filesKept: kept.length,
        bytesTotal: explained.files.reduce((sum, f) => sum + f.file.size, 0),
        bytesKept: kept.reduce((sum, f) => sum + f.file.size, 0),
        files: listed.map(describe),
      };
    },
  );
}

function describe(entry: FileSkipping): Record<string, unknown> {
  return {
    path: filePath(entry.file),
    size: entry.file.size,
    rows: fileRows(entry.file),
    kept: entry.kept,
    reason: entry.reason,
  };
}
