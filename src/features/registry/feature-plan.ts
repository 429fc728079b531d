/**
 * What `apply` would change, object by object: added, changed (with the fields that
 * differ, and why the change is incompatible when it is), removed, unchanged. A change is
 * incompatible when what was built on the object would read it differently: an entity's
 * join keys or their types, a view's entities, or the type of a feature it keeps.
 * Adding or removing features, changing a source, a TTL or time columns is compatible.
 */
import type { JsonValue } from '../../core/index.js';
import type { DefinitionSet } from '../definition/definition-set.js';
import type { FeatureDefinition } from '../definition/feature-definition.js';
import { canonicalJson, definitionHash, storedDefinition } from '../definition/stored-definition.js';
import type { AppliedObject } from './applied-definitions.js';

type ObjectKind = FeatureDefinition['kind'];

export type PlannedChange =
  | { readonly kind: 'added'; readonly object: ObjectKind; readonly name: string; readonly version: number }
  | {
      readonly kind: 'changed';
      readonly object: ObjectKind;
      readonly name: string;
      readonly fromVersion: number;
      readonly version: number;
      readonly fields: readonly string[];
      /** Why apply refuses this change; absent when it is compatible. */
      readonly incompatible?: string;
    }
  | { readonly kind: 'removed'; readonly object: ObjectKind; readonly name: string; readonly fromVersion: number }
  | { readonly kind: 'unchanged'; readonly object: ObjectKind; readonly name: string; readonly version: number };

export interface FeaturePlan {
  readonly changes: readonly PlannedChange[];
  /** The objects apply writes: stored JSON and hash of each added or changed one. */
  readonly writes: readonly {
    readonly object: ObjectKind;
    readonly name: string;
    readonly version: number;
    readonly hash: string;
    readonly definition: JsonValue;
  }[];
  readonly incompatible: readonly { readonly object: string; readonly reason: string }[];
}

/** `nextVersion(kind, name)`: the version a new or changed object gets (one more than any it ever had). */
export function planChanges(
  applied: readonly AppliedObject[],
  set: DefinitionSet,
  nextVersion: (kind: ObjectKind, name: string) => number,
): FeaturePlan {
  const current = new Map(applied.map((o) => [`${o.kind}:${o.name}`, o]));
  const wanted = [...set.entities.values(), ...set.views.values(), ...set.onDemand.values(), ...set.services.values()];
  const changes: PlannedChange[] = [];
  const writes: FeaturePlan['writes'][number][] = [];
  for (const definition of wanted) {
    const stored = storedDefinition(definition);
    const hash = definitionHash(stored);
    const before = current.get(`${definition.kind}:${definition.name}`);
    current.delete(`${definition.kind}:${definition.name}`);
    const base = { object: definition.kind, name: definition.name };
    if (before?.hash === hash) {
      changes.push({ kind: 'unchanged', ...base, version: before.version });
      continue;
    }
    const version = nextVersion(definition.kind, definition.name);
    writes.push({ ...base, version, hash, definition: stored });
    if (before === undefined) {
      changes.push({ kind: 'added', ...base, version });
      continue;
    }
    const previous = canonicalJson(before.definition);
    const reason = incompatibility(previous, stored);
    changes.push({
      kind: 'changed',
      ...base,
      fromVersion: before.version,
      version,
      fields: changedFields(previous, stored),
      ...(reason ? { incompatible: reason } : {}),
    });
  }
  for (const gone of current.values())
    changes.push({ kind: 'removed', object: gone.kind, name: gone.name, fromVersion: gone.version });
  const incompatible = changes.flatMap((c) =>
    c.kind === 'changed' && c.incompatible ? [{ object: `${c.object} ${c.name}`, reason: c.incompatible }] : [],
  );
  return { changes, writes, incompatible };
}

type Stored = Readonly<Record<string, JsonValue>>;

function changedFields(before: JsonValue, after: JsonValue): string[] {
  const a = before as Stored;
  const b = after as Stored;
  return [...new Set([...Object.keys(a), ...Object.keys(b)])]
    .filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]))
    .sort();
}

function incompatibility(before: JsonValue, after: JsonValue): string | undefined {
  const a = before as Stored;
  const b = after as Stored;
  if (b.kind === 'entity' && JSON.stringify(a.joinKeys) !== JSON.stringify(b.joinKeys))
    return `join keys change from ${JSON.stringify(a.joinKeys)} to ${JSON.stringify(b.joinKeys)}`;
  if (b.kind === 'featureView') {
    if (JSON.stringify(a.entities) !== JSON.stringify(b.entities))
      return `entities change from ${JSON.stringify(a.entities)} to ${JSON.stringify(b.entities)}`;
    const was = (a.features ?? {}) as Readonly<Record<string, string>>;
    const now = (b.features ?? {}) as Readonly<Record<string, string>>;
    for (const [name, type] of Object.entries(now))
      if (was[name] !== undefined && was[name] !== type)
        return `feature ${name} changes type from ${was[name]} to ${type}`;
  }
  return undefined;
}
