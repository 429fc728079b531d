/**
 * Paths of data files in the log: relative paths are URL-encoded and relative to the
 * table root; absolute paths are URIs (`file:/x`, `file:///x`, `s3://b/x`) or, in
 * old logs, bare absolute paths (`/x`). Replay reconciles by the decoded absolute URI.
 */
import { fileURLToPath } from 'node:url';
import type { ObjectStore } from '../../storage/index.js';

const SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:/;

export function isAbsolutePath(path: string): boolean {
  return SCHEME.test(path) || path.startsWith('/');
}

/** The decoded absolute URI of a log path; equal for every spelling of one file. */
export function canonicalPath(path: string, tableRoot: string): string {
  // The common case, a relative path, is hot in log replay: no regexes, one decode.
  if (!path.startsWith('/') && !SCHEME.test(path)) {
    return `${decodedRoot(tableRoot)}/${path.includes('%') ? safeDecode(path) : path}`;
  }
  const absolute = path.startsWith('/') ? `file://${path}` : path;
  // file:/x and file:///x name the same file.
  return safeDecode(absolute.replace(/^file:\/(?!\/)/, 'file:///').replace(/^file:\/\/localhost\//, 'file:///'));
}

let lastRoot = '';
let lastDecodedRoot = '';

function decodedRoot(root: string): string {
  if (root !== lastRoot) {
    lastRoot = root;
    lastDecodedRoot = safeDecode(root);
  }
  return lastDecodedRoot;
}

/** The store key of a relative log path (decoded), or undefined for an absolute path. */
export function relativeKey(path: string): string | undefined {
  return isAbsolutePath(path) ? undefined : safeDecode(path);
}

/** A local filesystem path DuckDB can open for a log path, or undefined if not local. */
export function localDataPath(path: string, store: ObjectStore): string | undefined {
  const key = relativeKey(path);
  if (key !== undefined) return store.localPath(key);
  if (path.startsWith('/')) return safeDecode(path);
  if (/^file:/i.test(path)) return fileURLToPath(path.replace(/^file:\/(?!\/)/, 'file:///'));
  return undefined;
}

/** The log spelling of a relative key: each segment URL-encoded as the spec requires. */
export function encodeRelativePath(key: string): string {
  return key
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/%3D/g, '='))
    .join('/');
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text; // a literal % that is not an escape: keep it as written
  }
}
