/**
 * Serving a GET whose body depends only on the request and lake table versions:
 * 304 when the client's ETag matches (nothing runs), the cached body when this
 * process computed it before, otherwise compute, store, send. A cached body is sent
 * compressed as the client asks from stored bytes (compressed once per coding), with
 * Content-Encoding set so @fastify/compress leaves it alone.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiContext } from '../api-context.js';
import { principalOf } from '../auth/request-principal.js';
import { visibilityKey } from '../../catalog/index.js';
import type { TableRead } from '../../engine/index.js';
import { chooseEncoding, encodeBody, type BodyEncoding } from './body-encodings.js';
import { matchesEtag, ResponseCache, type CachedBody } from './response-cache.js';

export interface CacheableResponse {
  /** The normalized request: everything the body depends on besides table versions. */
  readonly key: unknown;
  /** The table states the body reads (QueryService.plan of its SQL). */
  readonly tables: readonly TableRead[];
  /** Computes the body when it is not cached. */
  produce(): Promise<CachedBody>;
}

export async function sendCacheable(
  ctx: ApiContext,
  request: FastifyRequest,
  reply: FastifyReply,
  response: CacheableResponse,
): Promise<FastifyReply> {
  const etag = ResponseCache.etag(response.key, visibilityKey(principalOf(request)), response.tables);
  reply
    .header('etag', etag)
    .header('cache-control', ctx.cacheControl)
    .header('vary', 'Accept, Accept-Encoding, Authorization');
  if (matchesEtag(request.headers['if-none-match'], etag)) {
    ctx.metrics.cacheOutcome('not_modified');
    return reply.code(304).send();
  }
  const cached = await cachedOrProduced(ctx, etag, () => response.produce());
  if (cached.headers !== undefined) reply.headers(cached.headers);
  reply.header('content-type', cached.contentType);
  const encoded = await encodedBody(ctx, request, etag, cached);
  if (encoded === undefined) return reply.send(cached.body);
  return reply.header('content-encoding', encoded.encoding).send(encoded.bytes);
}

/** The body cached under `etag`, else the one `produce` computes, then cached (the metrics count a hit or miss). */
export async function cachedOrProduced(
  ctx: ApiContext,
  etag: string,
  produce: () => Promise<CachedBody>,
): Promise<CachedBody> {
  const cached = ctx.cache.get(etag);
  ctx.metrics.cacheOutcome(cached === undefined ? 'miss' : 'hit');
  if (cached !== undefined) return cached;
  const produced = await produce();
  ctx.cache.set(etag, produced);
  return produced;
}

/** The body compressed as the client asks, when the cache holds it (or now does); else compress does it. */
async function encodedBody(
  ctx: ApiContext,
  request: FastifyRequest,
  etag: string,
  cached: CachedBody,
): Promise<{ encoding: BodyEncoding; bytes: Buffer } | undefined> {
  // Partial content and opting out are compress's to decide; a body not kept (too large, cache off) is left to it too.
  if (request.headers['x-no-compression'] !== undefined || request.headers.range !== undefined) return undefined;
  const encoding = chooseEncoding(request.headers['accept-encoding'], cached.contentType, cached.body.length);
  if (encoding === undefined || !ctx.cache.holds(etag, cached)) return undefined;
  let bytes = ctx.cache.getEncoded(etag, encoding);
  if (bytes === undefined) {
    bytes = await encodeBody(cached.body, encoding);
    ctx.cache.setEncoded(etag, encoding, bytes);
  }
  return { encoding, bytes };
}
