/**
 * A model's traffic policy: which version answers a predict request and which one, if
 * any, sees a copy of it. Plain data (stored as JSON in the models module's metadata), so
 * a change is one row and every process reads the same policy.
 *
 * - `full`: one version answers everything (the rollout's end, and a rollback).
 * - `shadow`: `serve` answers; `percent` of requests are also sent to `shadow`, whose
 *   answer is logged and never returned.
 * - `split` (canary or A/B): weighted versions; a key always lands on the same version
 *   while the weights stay, so one user sees one model.
 */
import { ModelInvalidParameterError } from '../errors.js';

export interface WeightedVersion {
  readonly version: number;
  readonly weight: number;
}

export type TrafficPolicy =
  | { readonly kind: 'full'; readonly version: number }
  | { readonly kind: 'shadow'; readonly serve: number; readonly shadow: number; readonly percent: number }
  | { readonly kind: 'split'; readonly versions: readonly WeightedVersion[] };

export type TrafficPolicyKind = TrafficPolicy['kind'];

function isVersion(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1;
}

function invalid(message: string, policy: unknown): never {
  throw new ModelInvalidParameterError(`Invalid traffic policy: ${message}.`, { policy: JSON.stringify(policy) });
}

/** Checks a policy from a user or a stored row; returns it as a fresh, frozen value. */
export function parseTrafficPolicy(value: unknown): TrafficPolicy {
  const p = value as Record<string, unknown> | null;
  if (p === null || typeof p !== 'object') invalid('pass an object with kind full, shadow or split', value);
  switch (p.kind) {
    case 'full':
      if (!isVersion(p.version)) invalid('version must be a model version number (1, 2, …)', value);
      return Object.freeze({ kind: 'full', version: p.version });
    case 'shadow': {
      if (!isVersion(p.serve) || !isVersion(p.shadow)) invalid('serve and shadow must be version numbers', value);
      if (p.serve === p.shadow) invalid('the shadow version must differ from the one that serves', value);
      const percent = p.percent;
      if (typeof percent !== 'number' || !(percent >= 0 && percent <= 100))
        invalid('percent must be a number from 0 to 100', value);
      return Object.freeze({ kind: 'shadow', serve: p.serve, shadow: p.shadow, percent });
    }
    case 'split': {
      const versions = p.versions;
      if (!Array.isArray(versions) || versions.length < 1) invalid('versions must list weighted versions', value);
      const seen = new Set<number>();
      const parsed = versions.map((v: { version?: unknown; weight?: unknown } | null) => {
        if (!isVersion(v?.version)) invalid('each entry needs a version number', value);
        if (typeof v.weight !== 'number' || !(v.weight >= 0) || !Number.isFinite(v.weight))
          invalid(`version ${v.version} needs a weight ≥ 0`, value);
        if (seen.has(v.version)) invalid(`version ${v.version} is listed twice`, value);
        seen.add(v.version);
        return Object.freeze({ version: v.version, weight: v.weight });
      });
      if (!parsed.some((v) => v.weight > 0)) invalid('at least one weight must be positive', value);
      return Object.freeze({ kind: 'split', versions: Object.freeze(parsed) });
    }
    default:
      return invalid(`kind ${JSON.stringify(p.kind)} is not full, shadow or split`, value);
  }
}

/** The versions a policy sends traffic to (served or shadowed). */
export function policyVersions(policy: TrafficPolicy): readonly number[] {
  switch (policy.kind) {
    case 'full':
      return [policy.version];
    case 'shadow':
      return [policy.serve, policy.shadow];
    case 'split':
      return policy.versions.filter((v) => v.weight > 0).map((v) => v.version);
  }
}
