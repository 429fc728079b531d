/** The Principal the auth hook attached to a request. */
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../../catalog/index.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth hook before any handler runs (see auth-hook.ts). */
    principal: Principal | undefined;
  }
}

export function principalOf(request: FastifyRequest): Principal {
  // The auth hook runs on every route; a handler without one is a wiring bug.
  if (request.principal === undefined)
    throw new Error(`no principal on ${request.method} ${request.url}: the auth hook did not run`);
  return request.principal;
}
