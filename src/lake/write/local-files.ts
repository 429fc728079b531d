/**
 * DuckDB reads and writes local files only. For a store without local paths
 * (memory://, later s3://) objects are staged through a private temp directory.
 */
import { randomUUID } from 'node:crypto';
import { promises as fs, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { ObjectStore } from '../../storage/index.js';

let stagingDir: Promise<string> | undefined;

/** This process's private temp directory, removed when the process exits. */
export function stagingDirectory(): Promise<string> {
  stagingDir ??= fs.mkdtemp(path.join(tmpdir(), 'strata-stage-')).then((dir) => {
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    return dir;
  });
  return stagingDir;
}

/** Local paths for the keys, copying remote objects to temp files; `release` removes the copies. */
export async function localPathsFor(
  store: ObjectStore,
  keys: readonly string[],
): Promise<{ paths: string[]; release: () => Promise<void> }> {
  const copies: string[] = [];
  const paths = await Promise.all(
    keys.map(async (key) => {
      const local = store.localPath(key);
      if (local !== undefined) return local;
      const copy = path.join(await stagingDirectory(), `${randomUUID()}-${path.basename(key)}`);
      await fs.writeFile(copy, await store.get(key));
      copies.push(copy);
      return copy;
    }),
  );
  return { paths, release: async () => void (await Promise.all(copies.map((c) => fs.rm(c, { force: true })))) };
}

/** A DuckDB string literal for a local path (read_parquet treats *, ? and [ as globs otherwise). */
export function sqlPath(localPath: string): string {
  return `'${localPath.replace(/'/g, "''")}'`;
}
