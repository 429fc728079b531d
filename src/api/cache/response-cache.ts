/**
 * Exact caching. A response over lake tables is a function of the request and the
 * versions of the tables it read, and a Delta version never changes once committed,
 * so the ETag is a hash of (normalized request, who can see what, table versions):
 * equal ETags mean equal bodies, with no TTL and no stale read. A new commit changes
 * the version and so the ETag.
 *
 * The in-process cache keeps recent bodies by ETag, bounded by total bytes (compressed
 * forms included), evicting the least recently used. A body's compressed forms are kept
 * beside it, so a hit sends stored bytes instead of compressing again.
 */
import { createHash } from 'node:crypto';
import type { TableRead } from '../../engine/index.js';
import type { BodyEncoding } from './body-encodings.js';

export interface CachedBody {
  readonly contentType: string;
  readonly body: Buffer;
  /** Headers that belong to this body (e.g. a page's `Link` to the next one). */
  readonly headers?: Readonly<Record<string, string>>;
}

interface Stored {
  readonly body: CachedBody;
  readonly encoded: Map<BodyEncoding, Buffer>;
  bytes: number;
}

export class ResponseCache {
  readonly #entries = new Map<string, Stored>();
  #bytes = 0;
  hits = 0;
  misses = 0;

  constructor(readonly maxBytes: number) {}

  /** A strong ETag (quoted) for `request` (any JSON value, already normalized) over `tables`. */
  static etag(request: unknown, visibility: string, tables: readonly TableRead[]): string {
    const versions = [...tables]
      .map((t) => [t.location, t.version])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0])) || Number(a[1]) - Number(b[1]));
    const hash = createHash('sha256')
      .update(JSON.stringify([request, visibility, versions]))
      .digest('base64url')
      .slice(0, 32);
    return `"${hash}"`;
  }

  get(etag: string): CachedBody | undefined {
    const entry = this.#entries.get(etag);
    if (entry === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    // Re-inserting moves the entry to the most recently used end.
    this.#entries.delete(etag);
    this.#entries.set(etag, entry);
    return entry.body;
  }

  set(etag: string, body: CachedBody): void {
    if (body.body.length > this.maxBytes / 4) return;
    this.#remove(etag);
    this.#entries.set(etag, { body, encoded: new Map(), bytes: body.body.length });
    this.#bytes += body.body.length;
    this.#evict();
  }

  /** Whether `body` is what is cached under `etag` now (no effect on the hit counts or the order). */
  holds(etag: string, body: CachedBody): boolean {
    return this.#entries.get(etag)?.body === body;
  }

  /** The cached body of `etag` compressed with `encoding`, when stored (setEncoded). */
  getEncoded(etag: string, encoding: BodyEncoding): Buffer | undefined {
    return this.#entries.get(etag)?.encoded.get(encoding);
  }

  /** Keeps a compressed form of the body cached under `etag` (nothing when it is gone). */
  setEncoded(etag: string, encoding: BodyEncoding, bytes: Buffer): void {
    const entry = this.#entries.get(etag);
    if (entry === undefined || entry.encoded.has(encoding)) return;
    entry.encoded.set(encoding, bytes);
    entry.bytes += bytes.length;
    this.#bytes += bytes.length;
    this.#evict();
  }

  #remove(etag: string): void {
    const previous = this.#entries.get(etag);
    if (previous === undefined) return;
    this.#bytes -= previous.bytes;
    this.#entries.delete(etag);
  }

  #evict(): void {
    for (const [key, old] of this.#entries) {
      if (this.#bytes <= this.maxBytes) break;
      this.#entries.delete(key);
      this.#bytes -= old.bytes;
    }
  }

  get bytes(): number {
    return this.#bytes;
  }

  get size(): number {
    return this.#entries.size;
  }
}

/** Whether an If-None-Match header value matches the ETag (`*`, a list, weak forms). */
export function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  if (ifNoneMatch.trim() === '*') return true;
  return ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}
