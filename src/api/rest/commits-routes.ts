/**
 * `GET /v1/commits?limit=`: the newest commits across the tables this token can see
 * (the console's Home). Each table's history is read through the same grant rules as
 * `/v1/tables/{name}/history`: a grant that hides rows or columns leaves version,
 * time and operation only (the fields of sql/history-redaction.ts); ungranted tables do not appear.
 */
import type { FastifyInstance } from 'fastify';
import { DeltaTable } from '../../lake/index.js';
import type { ApiContext } from '../api-context.js';
import { principalOf } from '../auth/request-principal.js';

const COMMIT = {
  type: 'object',
  required: ['table', 'version', 'timestamp', 'operation'],
  properties: {
    table: { type: 'string' },
    version: { type: 'integer' },
    timestamp: { type: 'string', format: 'date-time' },
    operation: { type: 'string' },
    operationMetrics: {
      type: 'object',
      additionalProperties: true,
      description: 'Absent when the grant hides rows or columns of the table',
    },
  },
} as const;

export function registerCommitsRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get<{ Querystring: { limit?: number } }>(
    '/v1/commits',
    {
      schema: {
        tags: ['tables'],
        summary: 'The newest commits across the tables this token can see',
        querystring: { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 200 } } },
        response: {
          200: {
            type: 'object',
            required: ['commits'],
            properties: { commits: { type: 'array', items: COMMIT } },
          },
        },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const limit = request.query.limit ?? 20;
      const perTable = await Promise.all(
        (await ctx.tables.visible(principal)).map(async (table) => {
          const access = await ctx.tables.access(principal, table.name, 'read');
          const restricted = access.columns !== null || access.rowFilter !== null;
          // A table whose log cannot be read (moved, unreachable store) must not blank the whole list.
          const history = await DeltaTable.open(table.location)
            .then((delta) => delta.history(limit))
            .catch(() => []);
          return history.map((entry) => ({
            table: table.name,
            version: entry.version,
            timestamp: new Date(entry.timestamp).toISOString(),
            operation: entry.operation,
            // What a restricted principal may see of history: version, time, operation.
            ...(restricted ? {} : { operationMetrics: entry.operationMetrics }),
          }));
        }),
      );
      const commits = perTable
        .flat()
        .sort((a, b) => b.timestamp.localeCompare(a.timestamp) || a.table.localeCompare(b.table))
        .slice(0, limit);
      return { commits };
    },
  );
}
