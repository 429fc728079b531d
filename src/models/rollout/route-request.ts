/**
 * Routing one request under a traffic policy: pure and deterministic in the key, so the
 * same entity key lands on the same version on every replica and after a restart
 * (sticky A/B without stored assignments), and a weight change moves only the keys whose
 * bucket crosses a boundary. The shadow draw uses another salt than the split, so which
 * requests are mirrored does not depend on which version serves them.
 */
import type { TrafficPolicy } from './traffic-policy.js';

export interface Route {
  /** The version whose answer is returned. */
  readonly serve: number;
  /** A version that also scores the request; its answer is logged, never returned. */
  readonly shadow?: number;
}

/** Buckets per unit of traffic: weights and percentages resolve to 1/10,000. */
export const ROUTE_BUCKETS = 10_000;

/** FNV-1a over the UTF-16 code units, then murmur3's finalizer so nearby keys spread. */
export function keyHash(key: string, salt: string): number {
  let h = 0x811c9dc5;
  const text = `${salt}\u0000${key}`;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The key's bucket in [0, ROUTE_BUCKETS) for one purpose (`split` or `shadow`). */
export function keyBucket(key: string, salt: string): number {
  return keyHash(key, salt) % ROUTE_BUCKETS;
}

/**
 * Which version answers `key` (an entity key, or a request id when there is none) and
 * which one shadows it. `salt` (the model's name by default at the call sites) keeps two
 * models' splits independent.
 */
export function routeRequest(policy: TrafficPolicy, key: string, salt = ''): Route {
  switch (policy.kind) {
    case 'full':
      return { serve: policy.version };
    case 'shadow':
      return keyBucket(key, `${salt}/shadow`) < (policy.percent / 100) * ROUTE_BUCKETS
        ? { serve: policy.serve, shadow: policy.shadow }
        : { serve: policy.serve };
    case 'split': {
      const total = policy.versions.reduce((sum, v) => sum + v.weight, 0);
      const point = (keyBucket(key, `${salt}/split`) + 0.5) / ROUTE_BUCKETS;
      let edge = 0;
      for (const v of policy.versions) {
        edge += v.weight / total;
        if (point < edge) return { serve: v.version };
      }
      // Rounding left the point past the last edge: the last weighted version takes it.
      return { serve: [...policy.versions].reverse().find((v) => v.weight > 0)!.version };
    }
  }
}
