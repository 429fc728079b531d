/**
 * A clone runs its compiled copy (dist/, built by `npm ci`). After a `git pull` or an edit
 * of src/, that copy silently runs old code; the command says so once, on stderr. Only a
 * checkout has src/ beside dist/: an installed package never warns.
 *
 * The check lists src/ and stats its few hundred files: 2–7 ms measured on a busy 2-core
 * machine. main.ts starts it before loading the CLI's modules (which takes far longer) and
 * awaits it after, so the stats run on libuv's threads meanwhile and add no start-up time.
 */
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The newest source file (tests excluded: they are not built) modified after `builtAt`, relative to `root`. */
export async function newerSource(root: string, builtAt: number): Promise<string | undefined> {
  const src = path.join(root, 'src');
  if (!existsSync(src)) return undefined;
  const files = (await fs.readdir(src, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.test.ts'))
    .map((e) => path.join(e.parentPath, e.name));
  const times = await Promise.all(files.map(async (file) => ({ file, time: (await fs.stat(file)).mtimeMs })));
  const newest = times.reduce<{ file: string; time: number } | undefined>(
    (best, t) => (t.time > builtAt && (!best || t.time > best.time) ? t : best),
    undefined,
  );
  return newest && path.relative(root, newest.file);
}

/** The warning for the compiled CLI at `mainUrl` (…/dist/cli/main.js), or undefined when it is current or not a build. */
export async function staleBuildWarning(mainUrl: string): Promise<string | undefined> {
  const main = fileURLToPath(mainUrl);
  const dist = path.dirname(path.dirname(main));
  if (path.basename(dist) !== 'dist') return undefined; // running the source (tsx): nothing to be stale
  const root = path.dirname(dist);
  const changed = await newerSource(root, (await fs.stat(main)).mtimeMs);
  return changed
    ? `warning: strata is running its build in ${dist}, which is older than ${changed}; run \`npm run build\` in ${root} to run your latest source.\n`
    : undefined;
}
