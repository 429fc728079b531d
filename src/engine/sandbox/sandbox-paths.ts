/** Where sandboxed DuckDB may read: local directories of table locations. */
import * as path from 'node:path';
import { openStore } from '../../storage/index.js';

/** The local directory of a table location (a path or `file://` URL); undefined for remote stores. */
export function localDirectory(location: string): string | undefined {
  const local = openStore(location).localPath('');
  return local === undefined ? undefined : path.resolve(local);
}

/** True when `inner` is `outer` or below it. */
export function isInsideDirectory(outer: string, inner: string): boolean {
  const relative = path.relative(path.resolve(outer), path.resolve(inner));
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}
