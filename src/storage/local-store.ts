import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ObjectNotFoundError, StorageIoError } from './errors.js';
import type { ObjectMeta, ObjectStore } from './object-store.js';

/**
 * `file://` URLs and plain paths. Atomicity comes from the filesystem: `put` writes a
 * temporary file and renames it over the target; `putIfAbsent` writes a temporary file
 * and hard-links it to the target, which fails with EEXIST if the target exists, so
 * the object appears complete or not at all (never check-then-write).
 */
export class LocalStore implements ObjectStore {
  readonly root: string;

  constructor(readonly directory: string) {
    this.directory = path.resolve(directory);
    this.root = pathToFileURL(this.directory).href;
  }

  localPath(key: string): string {
    return path.join(this.directory, ...key.split('/'));
  }

  url(key: string): string {
    return pathToFileURL(this.localPath(key)).href;
  }

  async get(key: string): Promise<Uint8Array> {
    try {
      return await fs.readFile(this.localPath(key));
    } catch (error) {
      throw this.translate(error, key, 'read');
    }
  }

  async getRange(key: string, offset: number, length: number): Promise<Uint8Array> {
    let handle: fs.FileHandle | undefined;
    try {
      handle = await fs.open(this.localPath(key), 'r');
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, offset);
      return buffer.subarray(0, bytesRead);
    } catch (error) {
      throw this.translate(error, key, 'read');
    } finally {
      await handle?.close();
    }
  }

  async head(key: string): Promise<ObjectMeta | undefined> {
    try {
      const stat = await fs.stat(this.localPath(key));
      return stat.isFile() ? { key, size: stat.size, lastModified: stat.mtimeMs } : undefined;
    } catch (error) {
      if (isCode(error, 'ENOENT') || isCode(error, 'ENOTDIR')) return undefined;
      throw this.translate(error, key, 'stat');
    }
  }

  async put(key: string, data: Uint8Array | string): Promise<void> {
    const target = this.localPath(key);
    const temp = await this.writeTemp(target, data, key);
    try {
      await fs.rename(temp, target);
    } catch (error) {
      await fs.rm(temp, { force: true });
      throw this.translate(error, key, 'write');
    }
  }

  async putIfAbsent(key: string, data: Uint8Array | string): Promise<boolean> {
    const target = this.localPath(key);
    const temp = await this.writeTemp(target, data, key);
    try {
      await fs.link(temp, target);
      return true;
    } catch (error) {
      if (isCode(error, 'EEXIST')) return false;
      throw this.translate(error, key, 'write');
    } finally {
      await fs.rm(temp, { force: true });
    }
  }

  async list(prefix: string, startAfter = ''): Promise<ObjectMeta[]> {
    // Walk only the deepest directory the prefix names, then filter by the rest.
    const slash = prefix.lastIndexOf('/');
    const baseKey = slash < 0 ? '' : prefix.slice(0, slash);
    const out: ObjectMeta[] = [];
    await this.walk(baseKey, prefix, startAfter, out);
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async delete(key: string): Promise<void> {
    try {
      await fs.rm(this.localPath(key), { force: true });
    } catch (error) {
      throw this.translate(error, key, 'delete');
    }
  }

  private async walk(dirKey: string, prefix: string, startAfter: string, out: ObjectMeta[]): Promise<void> {
    let entries;
    try {
      entries = await fs.readdir(dirKey === '' ? this.directory : this.localPath(dirKey), { withFileTypes: true });
    } catch (error) {
      if (isCode(error, 'ENOENT') || isCode(error, 'ENOTDIR')) return;
      throw this.translate(error, dirKey, 'list');
    }
    await Promise.all(
      entries.map(async (entry) => {
        const key = dirKey === '' ? entry.name : `${dirKey}/${entry.name}`;
        if (entry.isDirectory()) {
          if (prefix.startsWith(`${key}/`) || key.startsWith(prefix)) await this.walk(key, prefix, startAfter, out);
        } else if (entry.isFile() && key.startsWith(prefix) && key > startAfter && !isTempName(entry.name)) {
          const stat = await fs.stat(this.localPath(key)).catch(() => undefined);
          if (stat) out.push({ key, size: stat.size, lastModified: stat.mtimeMs });
        }
      }),
    );
  }

  private async writeTemp(target: string, data: Uint8Array | string, key: string): Promise<string> {
    const temp = path.join(path.dirname(target), `${TEMP_PREFIX}${randomUUID()}`);
    try {
      await fs.mkdir(path.dirname(target), { recursive: true });
      await fs.writeFile(temp, data);
      return temp;
    } catch (error) {
      await fs.rm(temp, { force: true });
      throw this.translate(error, key, 'write');
    }
  }

  private translate(error: unknown, key: string, operation: string): Error {
    if (isCode(error, 'ENOENT')) return new ObjectNotFoundError(this.url(key), { cause: error });
    return new StorageIoError(this.url(key), operation, { cause: error });
  }
}

/** Temporary files of in-flight writes; never listed, so a crash leaves no visible object. */
const TEMP_PREFIX = '.strata-tmp-';

function isTempName(name: string): boolean {
  return name.startsWith(TEMP_PREFIX);
}

function isCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}
