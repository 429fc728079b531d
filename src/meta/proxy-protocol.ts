/**
 * The metadata proxy's wire: newline-delimited JSON on a Unix socket beside the lock
 * (metaSocketPath). Each request carries an id; replies may come in any order.
 *   {"id": 1, "op": "hello"}                          → {"id": 1, "ok": true, "result": {"pid", "target", "command"}}
 *   {"id": 2, "op": "acquire"}                        → result {"conn": 7}: the owner's connection gate is held
 *   {"id": 3, "op": "query", "conn": 7, "sql", "parameters"} → result {"rows", "numAffectedRows"?}
 *   {"id": 4, "op": "begin" | "commit" | "rollback", "conn": 7, ...}, savepoints with "name"
 *   {"id": 5, "op": "release", "conn": 7}
 * A failure is {"id", "ok": false, "error": {"kind": "database" | "expired" | "closing" | "protocol", "message", ...pg fields}}.
 * Values inside parameters and rows use wire-values.ts. Only the socket file's mode
 * (0600, the owner's user) guards it, like the database directory itself.
 */
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export const PROXY_SOCKET_NAME = 'meta.sock';

// Unix socket paths are limited to 107 bytes (108 with the terminating NUL).
const MAX_SOCKET_PATH = 100;

/**
 * Where the holder of the embedded database in `directory` serves it. A directory too
 * deep for a socket path gets one in the temporary directory named by a hash of its
 * path, which every process computes the same way.
 */
export function metaSocketPath(directory: string): string {
  const inside = path.join(path.resolve(directory), PROXY_SOCKET_NAME);
  if (Buffer.byteLength(inside) <= MAX_SOCKET_PATH) return inside;
  const hash = createHash('sha256').update(path.resolve(directory)).digest('hex').slice(0, 16);
  return path.join(tmpdir(), `strata-meta-${hash}.sock`);
}

export const ProxyOp = {
  hello: 'hello',
  acquire: 'acquire',
  release: 'release',
  query: 'query',
  begin: 'begin',
  commit: 'commit',
  rollback: 'rollback',
  savepoint: 'savepoint',
  rollbackToSavepoint: 'rollbackToSavepoint',
  releaseSavepoint: 'releaseSavepoint',
} as const;
export type ProxyOp = (typeof ProxyOp)[keyof typeof ProxyOp];

export interface ProxyRequest {
  readonly id: number;
  readonly op: ProxyOp;
  readonly conn?: number;
  readonly sql?: string;
  readonly parameters?: unknown;
  readonly name?: string;
  readonly isolationLevel?: string;
  readonly accessMode?: string;
}

export const ProxyFailure = {
  /** PostgreSQL raised it: the pg error's fields travel with it. */
  database: 'database',
  /** The connection was held idle too long and was taken back. */
  expired: 'expired',
  /** The owner is closing the database. */
  closing: 'closing',
  /** The request made no sense (unknown op or connection). */
  protocol: 'protocol',
} as const;
export type ProxyFailure = (typeof ProxyFailure)[keyof typeof ProxyFailure];

export interface ProxyHello {
  readonly pid: number;
  readonly target: string;
  readonly command?: string;
  /** How long a connection may stay idle before the owner takes it back. */
  readonly idleMs: number;
}
