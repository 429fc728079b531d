/**
 * Paths of data files in the log: relative paths are URL-encoded and relative to the
 * table root; absolute paths are URIs (`file:/x`, `file:///x`, `s3://b/x`) or, in
 * old logs, bare absolute paths (`/x`). Replay reconciles by the decoded absolute URI.
 */
import { fileURLToPath } from 'node:url';
import type { ObjectStore } from '../storage/index.js';

const SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:/;

export function isAbsolutePath(path: string): boolean {
  return SCHEME.test(path) || path.startsWith('/');
}

/** The decoded absolute URI of a log path; equal for every spelling of one file. */
export function canonicalPath(path: string, tableRoot: string): string {
  let absolute: string;
  if (SCHEME.test(path)) absolute = path;
  else if (path.startsWith('/')) absolute = `file://${path}`;
  else absolute = `${tableRoot}/${path}`;
  // file:/x and file:///x name the same file.
  absolute = absolute.replace(/^file:\/(?!\/)/, 'file:///').replace(/^file:\/\/localhost\//, 'file:///');
  return safeDecode(absolute);
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
  return key.split('/').map((segment) => encodeURIComponent(segment).replace(/%3D/g, '=')).join('/');
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text; // a literal % that is not an escape: keep it as written
  }
}
