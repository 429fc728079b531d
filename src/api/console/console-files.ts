/**
 * The web console's built files (ui/dist, written by `vite build` in the root `prepare`)
 * as the server sends them: the smallest encoding the client accepts among the ones
 * written at build time (`.br`, `.gz`), with its content type. Paths never leave the
 * directory.
 */
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** ui/dist beside the package's src/ or dist/ (this file is <root>/{src,dist}/api/console/). */
export const DEFAULT_CONSOLE_DIR = fileURLToPath(new URL('../../../ui/dist/', import.meta.url));

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

export interface ConsoleFile {
  readonly body: Buffer;
  readonly type: string;
  /** undefined: identity. */
  readonly encoding: 'br' | 'gzip' | undefined;
}

export class ConsoleFiles {
  private constructor(readonly directory: string) {}

  /** undefined when the console was not built (no index.html). */
  static find(directory: string = DEFAULT_CONSOLE_DIR): ConsoleFiles | undefined {
    return existsSync(join(directory, 'index.html')) ? new ConsoleFiles(directory) : undefined;
  }

  /** The file at a URL path (`/assets/x.js`), or undefined when there is none. */
  async read(urlPath: string, acceptEncoding: string | undefined): Promise<ConsoleFile | undefined> {
    let relative: string;
    try {
      relative = normalize(decodeURIComponent(urlPath)).replace(/^[/\\]+/, '');
    } catch {
      return undefined;
    }
    if (relative === '' || relative.startsWith('..') || relative.includes(`${sep}..`)) return undefined;
    const path = join(this.directory, relative);
    if (!path.startsWith(this.directory) || !(await isFile(path))) return undefined;
    const type = TYPES[extname(path)] ?? 'application/octet-stream';
    for (const [encoding, suffix] of preferred(acceptEncoding)) {
      const body = await readFile(path + suffix).catch(() => undefined);
      if (body !== undefined) return { body, type, encoding };
    }
    return { body: await readFile(path), type, encoding: undefined };
  }
}

function preferred(acceptEncoding: string | undefined): Array<readonly ['br' | 'gzip', string]> {
  const accepted = (acceptEncoding ?? '').toLowerCase();
  const list: Array<readonly ['br' | 'gzip', string]> = [];
  if (/\bbr\b/.test(accepted)) list.push(['br', '.br']);
  if (/\bgzip\b/.test(accepted)) list.push(['gzip', '.gz']);
  return list;
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}
