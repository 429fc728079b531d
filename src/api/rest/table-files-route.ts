/**
 * `GET /v1/tables/{name}/files`: a table's data files at a version (latest by default),
 * paged: path, size, rows, partition values, column stats, deletion vector. Principals
 * whose grant limits the table's rows or columns get 403 (table-explorer-access.ts).
 */
import type { FastifyInstance } from 'fastify';
import { openSnapshot, type AddFile } from '../../lake/index.js';
import type { ApiContext } from '../api-context.js';
import { principalOf } from '../auth/request-principal.js';
import { ERROR, NAME_PARAMS, TABLE_TAGS } from './tables-schemas.js';
import { TABLE_FILES } from './table-explorer-schemas.js';
import { filePath, fileRows, requireWholeTable } from './table-explorer-access.js';

interface FilesQuery {
  version?: number;
  offset?: number;
  limit?: number;
}

export const VERSION_PARAMETER = { type: 'integer', minimum: 0, description: 'Table version (default: the latest)' };

export function registerTableFilesRoute(app: FastifyInstance, ctx: ApiContext): void {
  app.get<{ Params: { name: string }; Querystring: FilesQuery }>(
    '/v1/tables/:name/files',
    {
      schema: {
        tags: TABLE_TAGS,
        summary: "A table's data files at a version, largest first: sizes, rows, partition values, stats",
        params: NAME_PARAMS,
        querystring: {
          type: 'object',
          properties: {
            version: VERSION_PARAMETER,
            offset: { type: 'integer', minimum: 0 },
            limit: { type: 'integer', minimum: 0, description: 'Page size (default: the page size)' },
          },
        },
        response: { 200: TABLE_FILES, 400: ERROR, 403: ERROR, 404: ERROR },
      },
    },
    async (request) => {
      const access = await ctx.tables.access(principalOf(request), request.params.name, 'read');
      requireWholeTable(access, 'The files');
      const snapshot = await openSnapshot(access.table.location, { version: request.query.version });
      const offset = request.query.offset ?? 0;
      const limit = Math.min(request.query.limit ?? ctx.limits.defaultPageSize, ctx.limits.maxRows);
      // Largest first: what a look at a table's files is usually for (small-file problems, skew).
      const files = [...snapshot.files].sort((a, b) => b.size - a.size || a.path.localeCompare(b.path));
      return {
        table: access.table.name,
        version: snapshot.version,
        totalFiles: files.length,
        totalBytes: files.reduce((sum, f) => sum + f.size, 0),
        offset,
        files: files.slice(offset, offset + limit).map(describeFile),
      };
    },
  );
}

function describeFile(file: AddFile): Record<string, unknown> {
  return {
    path: filePath(file),
    size: file.size,
    rows: fileRows(file),
    partitionValues: file.partitionValues,
    modifiedAt: new Date(file.modificationTime).toISOString(),
    stats: statsSummary(file),
    deletionVector: file.deletionVector ? { deletedRows: file.deletionVector.cardinality } : null,
  };
}

function statsSummary(file: AddFile): Record<string, unknown> | null {
  if (!file.stats) return null;
  try {
    const { minValues, maxValues, nullCount } = JSON.parse(file.stats) as Record<string, unknown>;
    return { minValues: minValues ?? {}, maxValues: maxValues ?? {}, nullCount: nullCount ?? {} };
  } catch {
    return null;
  }
}
