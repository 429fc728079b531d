/**
 * Health (`/health`: the process answers), readiness (`/ready`: the metadata database
 * answers, so requests can be served), Prometheus metrics (`/metrics`) and the
 * OpenAPI document (`/openapi.json`). All public: they carry no table data.
 */
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { ApiContext } from '../api-context.js';
import { NotReadyError } from '../errors.js';

export function registerSystemRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const config = { public: true };
  app.get(
    '/health',
    { config, schema: { tags: ['system'], summary: 'The process is up', response: { 200: status('ok') } } },
    async () => ({ status: 'ok' }),
  );
  app.get(
    '/ready',
    {
      config,
      schema: {
        tags: ['system'],
        summary: 'The server can serve requests (its metadata database answers)',
        response: { 200: status('ready') },
      },
    },
    async () => {
      try {
        await sql`select 1`.execute(ctx.catalog.meta.db);
      } catch (error) {
        throw new NotReadyError(
          `The metadata database does not answer: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      return { status: 'ready' };
    },
  );
  app.get(
    '/metrics',
    { config, schema: { tags: ['system'], summary: 'Prometheus metrics', hide: false } },
    async (_request, reply) => {
      return reply.header('content-type', ctx.metrics.contentType).send(await ctx.metrics.text());
    },
  );
  app.get('/openapi.json', { config, schema: { tags: ['system'], summary: 'This document' } }, async () =>
    app.swagger(),
  );
}

function status(value: string) {
  return {
    type: 'object',
    required: ['status'],
    properties: { status: { type: 'string', enum: [value] } },
  } as const;
}
