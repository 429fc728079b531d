/**
 * Run artifacts in the warehouse's object store. An artifact URI `mlflow-artifacts:/<path>`
 * (what experiments get by default, and what MLflow clients upload through the
 * `/api/2.0/mlflow-artifacts/artifacts/<path>` routes) is the key `<path>` under the
 * artifact root (`<warehouse>/artifacts` unless configured: any ObjectStore URL). Paths
 * that climb (`..`) or start at the root are refused, so a client cannot reach outside it.
 */
import { isStrataError } from '../../core/index.js';
import type { ObjectStore } from '../../storage/index.js';
import { ModelInvalidParameterError, ModelNotFoundError } from '../errors.js';

export const ARTIFACTS_SCHEME = 'mlflow-artifacts:';

export interface ArtifactEntry {
  /** Relative to the listed directory's parent as MLflow gives it: `dir/file.txt`. */
  readonly path: string;
  readonly isDir: boolean;
  readonly fileSize?: number;
}

export class ArtifactStore {
  constructor(readonly store: ObjectStore) {}

  async put(path: string, data: Uint8Array): Promise<void> {
    await this.store.put(checkPath(path, false), data);
  }

  async get(path: string): Promise<Uint8Array> {
    try {
      return await this.store.get(checkPath(path, false));
    } catch (error) {
      if (isStrataError(error, 'STORAGE_NOT_FOUND'))
        throw new ModelNotFoundError(`Artifact '${path}' does not exist.`, { path });
      throw error;
    }
  }

  /** The direct children of directory `path` ('' for the root), directories first-class as MLflow lists them. */
  async list(path: string): Promise<ArtifactEntry[]> {
    const dir = checkPath(path, true);
    const prefix = dir === '' ? '' : `${dir}/`;
    const children = new Map<string, ArtifactEntry>();
    for (const object of await this.store.list(prefix)) {
      const rest = object.key.slice(prefix.length);
      const slash = rest.indexOf('/');
      const name = slash < 0 ? rest : rest.slice(0, slash);
      if (name === '' || children.has(name)) continue;
      children.set(name, slash < 0 ? { path: name, isDir: false, fileSize: object.size } : { path: name, isDir: true });
    }
    return [...children.values()].sort((a, b) => a.path.localeCompare(b.path));
  }
}

/** The store path of an `mlflow-artifacts:/…` URI, or undefined for another scheme. */
export function artifactPathOf(uri: string): string | undefined {
  if (!uri.startsWith(ARTIFACTS_SCHEME)) return undefined;
  return uri.slice(ARTIFACTS_SCHEME.length).replace(/^\/+/, '');
}

function checkPath(path: string, directory: boolean): string {
  const trimmed = path.replace(/\/+$/, '');
  const parts = trimmed.split('/');
  if (
    (!directory && trimmed === '') ||
    path.startsWith('/') ||
    parts.some((p) => p === '..' || p === '.' || (p === '' && trimmed !== ''))
  ) {
    throw new ModelInvalidParameterError(
      `Invalid artifact path: '${path}'. Paths are relative and may not contain '..' or empty parts.`,
      { path },
    );
  }
  return trimmed;
}
