/**
 * Content codings of response bodies. @fastify/compress compresses every response as it
 * leaves, with these settings; a cached body is sent again and again, so its compressed
 * forms are kept with it (ResponseCache) and sent as they are: compress leaves a reply
 * that already has a Content-Encoding alone. Both paths use the settings here, so a
 * body reads the same whichever compressed it.
 */
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, deflate, gzip } from 'node:zlib';

export type BodyEncoding = 'br' | 'gzip' | 'deflate';

/** In order of preference when the client likes several equally. */
export const BODY_ENCODINGS: readonly BodyEncoding[] = ['br', 'gzip', 'deflate'];

/** Smaller bodies are sent as they are (the header overhead would eat the gain). */
export const COMPRESS_THRESHOLD = 1024;

/** Quality 11 (zlib's default) costs tens of ms per MB; 5 keeps most of the gain. */
export const BROTLI_OPTIONS = { params: { [zlib.BROTLI_PARAM_QUALITY]: 5 } };

const compressors: Readonly<Record<BodyEncoding, (body: Buffer) => Promise<Buffer>>> = {
  br: (body) => promisify(brotliCompress)(body, BROTLI_OPTIONS),
  gzip: (body) => promisify(gzip)(body),
  deflate: (body) => promisify(deflate)(body),
};

/** Compressed on the thread pool, so a large body does not stall other requests. */
export function encodeBody(body: Buffer, encoding: BodyEncoding): Promise<Buffer> {
  return compressors[encoding](body);
}

/**
 * The coding to send a body of `contentType` in for this `Accept-Encoding`, or undefined
 * to leave the body to @fastify/compress (too small, not compressible, or nothing we
 * produce is acceptable). Only ever a coding the client accepts (q > 0).
 */
export function chooseEncoding(
  acceptEncoding: string | undefined,
  contentType: string,
  size: number,
): BodyEncoding | undefined {
  if (acceptEncoding === undefined || size < COMPRESS_THRESHOLD || !compressible(contentType)) return undefined;
  const weights = new Map<string, number>();
  for (const part of acceptEncoding.toLowerCase().split(',')) {
    const [coding, ...params] = part.split(';').map((p) => p.trim());
    if (!coding) continue;
    const q = params.find((p) => p.startsWith('q='));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    weights.set(coding === 'x-gzip' ? 'gzip' : coding, Number.isFinite(weight) ? weight : 0);
  }
  let best: BodyEncoding | undefined;
  let bestWeight = 0;
  for (const encoding of BODY_ENCODINGS) {
    const weight = weights.get(encoding) ?? weights.get('*') ?? 0;
    if (weight > bestWeight) {
      best = encoding;
      bestWeight = weight;
    }
  }
  return best;
}

/** Text-like bodies; Parquet is compressed inside already. */
function compressible(contentType: string): boolean {
  const type = contentType.split(';', 1)[0]!.trim().toLowerCase();
  return (
    type.startsWith('text/') || type.endsWith('/json') || type.endsWith('+json') || type === 'application/x-ndjson'
  );
}
