/**
 * Definitions as the registry stores them: canonical JSON (keys sorted, functions as
 * their source text) and its hash. Two definitions with the same hash are the same
 * version; an on-demand feature whose function text changed is a new version.
 */
import { createHash } from 'node:crypto';
import type { JsonValue } from '../../core/index.js';
import type { FeatureDefinition } from './feature-definition.js';

export function storedDefinition(definition: FeatureDefinition): JsonValue {
  return canonical(definition) as JsonValue;
}

/** Stored JSON read back in canonical form (PostgreSQL's jsonb reorders object keys). */
export function canonicalJson(value: JsonValue): JsonValue {
  return canonical(value) as JsonValue;
}

export function definitionHash(stored: JsonValue): string {
  return createHash('sha256').update(JSON.stringify(stored)).digest('hex').slice(0, 16);
}

function canonical(value: unknown): unknown {
  if (typeof value === 'function') return { function: value.toString() };
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = canonical(v);
    }
    return out;
  }
  return value;
}
