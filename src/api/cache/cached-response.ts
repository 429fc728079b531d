/**
 * Serving a GET whose body depends only on the request and lake table versions:
 * 304 when the client's ETag matches (nothing runs), the cached body when this
 * process computed it before, otherwise compute, store, send.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiContext } from '../api-context.js';
import { principalOf } from '../auth/request-principal.js';
import { visibilityKey } from '../auth/principal.js';
import type { TableRead } from '../sql/query-service.js';
import { matchesEtag, ResponseCache, type CachedBody } from './response-cache.js';

export interface CacheableResponse {
  /** The normalized request: everything the body depends on besides table versions. */
  readonly key: unknown;
  /** The table states the body reads (QueryService.plan of its SQL). */
  readonly tables: readonly TableRead[];
  /** Computes the body when it is not cached. */
  produce(): Promise<CachedBody>;
}

export async function sendCacheable(ctx: ApiContext, request: FastifyRequest, reply: FastifyReply, response: CacheableResponse): Promise<FastifyReply> {
  const etag = ResponseCache.etag(response.key, visibilityKey(principalOf(request)), response.tables);
  reply.header('etag', etag).header('cache-control', ctx.cacheControl).header('vary', 'Accept, Accept-Encoding, Authorization');
  if (matchesEtag(request.headers['if-none-match'], etag)) {
    ctx.metrics.cacheOutcome('not_modified');
    return reply.code(304).send();
  }
  let cached = ctx.cache.get(etag);
  ctx.metrics.cacheOutcome(cached === undefined ? 'miss' : 'hit');
  if (cached === undefined) {
    cached = await response.produce();
    ctx.cache.set(etag, cached);
  }
  if (cached.headers !== undefined) reply.headers(cached.headers);
  return reply.header('content-type', cached.contentType).send(cached.body);
}
