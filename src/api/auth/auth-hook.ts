/**
 * Authenticates every request before its handler: the token comes from the
 * Authorization header, or from `access_token` in the query string for clients that
 * cannot set headers (browsers' EventSource), or else from the console's session
 * cookie (session-cookie.ts). Routes marked `config: { public: true }` (health,
 * readiness, metrics, the OpenAPI document, the console's files) skip it.
 *
 * CSRF: a browser sends the cookie (and, for `--insecure-local`, nothing at all) with
 * requests other sites make, so state-changing requests authenticated that way must
 * come from this origin (the Origin header, when sent) and, for the cookie, carry the
 * session's CSRF token. Requests with an explicit token are not at risk: another site
 * cannot make a browser add one.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isConsolePath } from '../console/console-routes.js';
import { CsrfError } from '../errors.js';
import type { Authenticator } from './authenticator.js';
import { CSRF_HEADER, csrfMatches, sessionFromCookies } from './session-cookie.js';
import './request-principal.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Served without a token. */
    public?: boolean;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function registerAuthHook(app: FastifyInstance, authenticator: Authenticator): void {
  app.decorateRequest('principal', undefined);
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config.public === true) return;
    // No route: the console's pages (deep links) or a 404, neither of which carries data.
    if (request.routeOptions.url === undefined && isConsolePath(request.url)) return;
    const query = request.query as Record<string, unknown> | undefined;
    const fromQuery = typeof query?.access_token === 'string' ? `Bearer ${query.access_token}` : undefined;
    // Routes read free-form query keys (row filters): the credential is not one of them.
    if (query !== undefined) delete query.access_token;
    const explicit = request.headers.authorization ?? fromQuery;
    const session = explicit === undefined ? sessionFromCookies(request.headers.cookie) : undefined;
    if (explicit === undefined && !SAFE_METHODS.has(request.method)) checkOrigin(request);
    if (session !== undefined && !SAFE_METHODS.has(request.method)) {
      const presented = request.headers[CSRF_HEADER];
      if (!csrfMatches(session, typeof presented === 'string' ? presented : undefined))
        throw new CsrfError(
          `A ${request.method} with the console's session cookie needs the session's CSRF token in the ${CSRF_HEADER} header (GET /v1/session gives it).`,
          { header: CSRF_HEADER },
        );
    }
    request.principal = await authenticator.authenticate(explicit ?? (session && `Bearer ${session}`));
  });
}

/** Refuses a cross-origin state change riding on ambient credentials (cookie, insecure-local). */
export function checkOrigin(request: FastifyRequest): void {
  const origin = request.headers.origin;
  if (origin === undefined) return;
  const own = `${request.protocol}://${request.host}`;
  if (origin !== own)
    throw new CsrfError(`Requests from ${origin} may not change this server's state (it is ${own}).`, {
      origin,
    });
}
