/**
 * Tokens and grants over REST (admin only): what `strata token` and `strata grant` do,
 * for when the server owns an embedded metadata database and the CLI cannot open it.
 */
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../api-context.js';
import type { Authenticator } from '../auth/authenticator.js';
import { removeGrant, setGrant, listGrants, type GrantableRole } from '../auth/grant-store.js';
import { requireRole, type ApiRole } from '../../catalog/index.js';
import { principalOf } from '../auth/request-principal.js';
import { createToken, listTokens, revokeToken } from '../auth/token-store.js';
import {
  CREATED_TOKEN_RESPONSE,
  GRANT_LIST_RESPONSE,
  GRANT_RESPONSE,
  TOKEN_LIST_RESPONSE,
  TOKEN_RESPONSE,
} from './console-response-schemas.js';

const tags = ['admin'];

export function registerAdminRoutes(app: FastifyInstance, ctx: ApiContext, authenticator: Authenticator): void {
  // An encapsulated plugin: its admin check runs on these routes only, not on every request.
  void app.register(async (admin) => {
    admin.addHook('preHandler', async (request) =>
      requireRole(principalOf(request), 'admin', 'Managing tokens and grants'),
    );
    adminRoutes(admin, ctx, authenticator);
  });
}

function adminRoutes(app: FastifyInstance, ctx: ApiContext, authenticator: Authenticator): void {
  const meta = ctx.catalog.meta;

  app.get(
    '/v1/admin/tokens',
    { schema: { tags, summary: 'Tokens (never their secrets)', response: { 200: TOKEN_LIST_RESPONSE } } },
    async () => ({
      tokens: await listTokens(meta),
    }),
  );

  app.post<{ Body: { name: string; role: ApiRole; expiresInSeconds?: number } }>(
    '/v1/admin/tokens',
    {
      schema: {
        tags,
        summary: 'Create a token; the response is the only time its secret is shown',
        response: { 201: CREATED_TOKEN_RESPONSE },
        body: {
          type: 'object',
          required: ['name', 'role'],
          additionalProperties: false,
          properties: {
            name: { type: 'string' },
            role: { type: 'string', enum: ['admin', 'writer', 'reader'] },
            expiresInSeconds: { type: 'integer', minimum: 1 },
          },
        },
      },
    },
    async (request, reply) => {
      const { name, role, expiresInSeconds } = request.body;
      return reply.code(201).send(
        await createToken(meta, {
          name,
          role,
          ...(expiresInSeconds === undefined ? {} : { expiresInMs: expiresInSeconds * 1000 }),
        }),
      );
    },
  );

  app.delete<{ Params: { token: string } }>(
    '/v1/admin/tokens/:token',
    { schema: { tags, summary: 'Revoke a token by name or id', response: { 200: TOKEN_RESPONSE } } },
    async (request) => {
      const revoked = await revokeToken(meta, request.params.token);
      authenticator.forget();
      return revoked;
    },
  );

  app.get(
    '/v1/admin/grants',
    { schema: { tags, summary: 'Grants of the writer and reader roles', response: { 200: GRANT_LIST_RESPONSE } } },
    async () => ({
      grants: await listGrants(meta),
    }),
  );

  app.put<{
    Params: { role: GrantableRole; table: string };
    Body: { columns?: string[] | null; rowFilter?: string | null };
  }>(
    '/v1/admin/grants/:role/:table',
    {
      schema: {
        tags,
        summary: 'Grant a role a table (optionally only some columns and rows)',
        response: { 200: GRANT_RESPONSE },
        params: {
          type: 'object',
          properties: { role: { type: 'string', enum: ['writer', 'reader'] }, table: { type: 'string' } },
          required: ['role', 'table'],
        },
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            columns: { type: ['array', 'null'], items: { type: 'string' } },
            rowFilter: { type: ['string', 'null'] },
          },
        },
      },
    },
    async (request) => {
      const grant = await setGrant(ctx.catalog, {
        role: request.params.role,
        table: request.params.table,
        columns: request.body?.columns ?? null,
        rowFilter: request.body?.rowFilter ?? null,
      });
      authenticator.forget();
      return grant;
    },
  );

  app.delete<{ Params: { role: GrantableRole; table: string } }>(
    '/v1/admin/grants/:role/:table',
    { schema: { tags, summary: "Remove a role's grant on a table" } },
    async (request, reply) => {
      await removeGrant(ctx.catalog, request.params.role, request.params.table);
      authenticator.forget();
      return reply.code(204).send();
    },
  );
}
