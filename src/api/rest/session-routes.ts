/**
 * The web console's sign-in: `POST /v1/session {token}` checks an API token and keeps
 * it in the session cookie; `GET /v1/session` says who is signed in and gives the CSRF
 * token state-changing requests must carry; `DELETE /v1/session` signs out. The token
 * itself is never echoed back.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Authenticator } from '../auth/authenticator.js';
import { checkOrigin } from '../auth/auth-hook.js';
import type { Principal } from '../../catalog/index.js';
import { principalOf } from '../auth/request-principal.js';
import { clearedSessionCookie, csrfTokenOf, sessionCookie, sessionFromCookies } from '../auth/session-cookie.js';

const tags = ['session'];

const SESSION_SCHEMA = {
  type: 'object',
  required: ['principal', 'insecureLocal', 'csrfToken'],
  properties: {
    principal: {
      type: 'object',
      required: ['name', 'role', 'tokenId'],
      properties: {
        name: { type: 'string' },
        role: { type: 'string', enum: ['admin', 'writer', 'reader'] },
        tokenId: { type: ['string', 'null'] },
      },
    },
    insecureLocal: { type: 'boolean', description: 'The server lets requests without a token in as the local admin.' },
    csrfToken: {
      type: ['string', 'null'],
      description: 'Send it as the x-strata-csrf header on POST/PUT/PATCH/DELETE made with the session cookie.',
    },
  },
} as const;

const ERROR_SCHEMA = {
  type: 'object',
  required: ['code', 'message'],
  properties: {
    code: { type: 'string' },
    message: { type: 'string' },
    details: { type: 'object', additionalProperties: true },
  },
} as const;

export function registerSessionRoutes(app: FastifyInstance, authenticator: Authenticator): void {
  const insecureLocal = authenticator.options.insecureLocal;
  const body = (principal: Principal, session: string | undefined) => ({
    principal: { name: principal.name, role: principal.role, tokenId: principal.tokenId },
    insecureLocal,
    csrfToken: session === undefined ? null : csrfTokenOf(session),
  });
  const secure = (request: FastifyRequest) => request.protocol === 'https';

  app.post<{ Body: { token: string } }>(
    '/v1/session',
    {
      config: { public: true },
      schema: {
        tags,
        summary: 'Sign in to the console with an API token (sets the session cookie)',
        body: {
          type: 'object',
          required: ['token'],
          additionalProperties: false,
          properties: { token: { type: 'string', minLength: 1 } },
        },
        response: { 200: SESSION_SCHEMA, 401: ERROR_SCHEMA, 403: ERROR_SCHEMA },
      },
    },
    async (request, reply) => {
      checkOrigin(request);
      const token = request.body.token.trim();
      const principal = await authenticator.authenticate(`Bearer ${token}`);
      void reply.header('set-cookie', sessionCookie(token, secure(request)));
      return body(principal, token);
    },
  );

  app.get(
    '/v1/session',
    {
      schema: {
        tags,
        summary: 'Who is signed in, and the CSRF token for state-changing requests',
        response: { 200: SESSION_SCHEMA },
      },
    },
    async (request) => {
      const fromCookie =
        request.headers.authorization === undefined ? sessionFromCookies(request.headers.cookie) : undefined;
      return body(principalOf(request), fromCookie);
    },
  );

  app.delete(
    '/v1/session',
    {
      // Public: a revoked or expired session must still be able to sign out.
      config: { public: true },
      schema: { tags, summary: 'Sign out (clears the session cookie)', response: { 204: { type: 'null' } } },
    },
    async (request, reply) => {
      checkOrigin(request);
      return reply
        .header('set-cookie', clearedSessionCookie(secure(request)))
        .code(204)
        .send();
    },
  );
}
