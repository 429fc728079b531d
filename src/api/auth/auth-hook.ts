/**
 * Authenticates every request before its handler: the token comes from the
 * Authorization header, or from `access_token` in the query string for clients that
 * cannot set headers (browsers' EventSource). Routes marked `config: { public: true }`
 * (health, readiness, metrics, the OpenAPI document) skip it.
 */
import type { FastifyInstance } from 'fastify';
import type { Authenticator } from './authenticator.js';
import './request-principal.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Served without a token. */
    public?: boolean;
  }
}

export function registerAuthHook(app: FastifyInstance, authenticator: Authenticator): void {
  app.decorateRequest('principal', undefined);
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config.public === true) return;
    const query = request.query as Record<string, unknown> | undefined;
    const fromQuery = typeof query?.access_token === 'string' ? `Bearer ${query.access_token}` : undefined;
    // Routes read free-form query keys (row filters): the credential is not one of them.
    if (query !== undefined) delete query.access_token;
    request.principal = await authenticator.authenticate(request.headers.authorization ?? fromQuery);
  });
}
