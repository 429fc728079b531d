import { ObjectNotFoundError } from './errors.js';
import type { ObjectMeta, ObjectStore } from './object-store.js';

interface Entry {
  readonly data: Uint8Array;
  readonly lastModified: number;
}

/**
 * `memory://name/...`: objects in this process's memory, shared by every store opened
 * on the same URL (so two "writers" in one process race like two processes on disk).
 * JavaScript runs one callback at a time, so check-and-set inside one synchronous
 * block is atomic.
 */
const buckets = new Map<string, Map<string, Entry>>();

export class MemoryStore implements ObjectStore {
  private readonly objects: Map<string, Entry>;
  private readonly keyPrefix: string;

  constructor(readonly root: string) {
    const rest = root.slice('memory://'.length);
    const slash = rest.indexOf('/');
    const bucket = slash < 0 ? rest : rest.slice(0, slash);
    this.keyPrefix = slash < 0 ? '' : `${rest.slice(slash + 1).replace(/\/+$/, '')}/`.replace(/^\/$/, '');
    let objects = buckets.get(bucket);
    if (!objects) buckets.set(bucket, (objects = new Map()));
    this.objects = objects;
  }

  localPath(): undefined {
    return undefined;
  }

  url(key: string): string {
    return `${this.root}/${key}`;
  }

  async get(key: string): Promise<Uint8Array> {
    const entry = this.objects.get(this.keyPrefix + key);
    if (!entry) throw new ObjectNotFoundError(this.url(key));
    return entry.data;
  }

  async getRange(key: string, offset: number, length: number): Promise<Uint8Array> {
    return (await this.get(key)).subarray(offset, offset + length);
  }

  async head(key: string): Promise<ObjectMeta | undefined> {
    const entry = this.objects.get(this.keyPrefix + key);
    return entry && { key, size: entry.data.byteLength, lastModified: entry.lastModified };
  }

  async put(key: string, data: Uint8Array | string): Promise<void> {
    this.objects.set(this.keyPrefix + key, toEntry(data));
  }

  async putIfAbsent(key: string, data: Uint8Array | string): Promise<boolean> {
    const full = this.keyPrefix + key;
    if (this.objects.has(full)) return false;
    this.objects.set(full, toEntry(data));
    return true;
  }

  async list(prefix: string, startAfter = ''): Promise<ObjectMeta[]> {
    const full = this.keyPrefix + prefix;
    const after = this.keyPrefix + startAfter;
    const out: ObjectMeta[] = [];
    for (const [key, entry] of this.objects) {
      if (key.startsWith(full) && key > after) {
        out.push({
          key: key.slice(this.keyPrefix.length),
          size: entry.data.byteLength,
          lastModified: entry.lastModified,
        });
      }
    }
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async delete(key: string): Promise<void> {
    this.objects.delete(this.keyPrefix + key);
  }
}

function toEntry(data: Uint8Array | string): Entry {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : new Uint8Array(data);
  return { data: bytes, lastModified: Date.now() };
}
