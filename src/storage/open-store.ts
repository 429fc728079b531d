import { fileURLToPath } from 'node:url';
import { UnsupportedStoreError } from './errors.js';
import { LocalStore } from './local-store.js';
import { MemoryStore } from './memory-store.js';
import type { ObjectStore } from './object-store.js';

export type StoreFactory = (url: string) => ObjectStore;

/** Backends by URL scheme; plugins register theirs with `registerStore`. */
const factories = new Map<string, StoreFactory>([
  ['file', (url) => new LocalStore(fileURLToPath(url))],
  ['memory', (url) => new MemoryStore(url.replace(/\/+$/, ''))],
]);

export function registerStore(scheme: string, factory: StoreFactory): void {
  factories.set(scheme, factory);
}

/** Opens the store rooted at `location`: a URL (`file://`, `memory://`, ...) or a plain path. */
export function openStore(location: string): ObjectStore {
  const scheme = schemeOf(location);
  if (scheme === undefined) return new LocalStore(location);
  const factory = factories.get(scheme);
  if (!factory) {
    throw new UnsupportedStoreError(
      `No object store handles "${scheme}://" (in ${location}); supported: ${[...factories.keys()].map((s) => `${s}://`).join(', ')} and plain paths.`,
      { location, scheme },
    );
  }
  return factory(location);
}

/** The URL scheme, or undefined for a plain path (a Windows drive letter is not a scheme). */
export function schemeOf(location: string): string | undefined {
  const match = /^([a-zA-Z][a-zA-Z0-9+.-]+):\/\//.exec(location);
  return match?.[1]?.toLowerCase();
}
