/**
 * What is applied: the registry's current objects, read back as definitions. Stored
 * definitions are data (JSON): an on-demand feature's function is kept as its text, so
 * one read back cannot run (serving loads the features/ files themselves).
 */
import type { JsonValue } from '../../core/index.js';
import { definitionSet, type DefinitionSet } from '../definition/definition-set.js';
import { isFeatureDefinition, type FeatureDefinition } from '../definition/feature-definition.js';
import type { FeatureMeta } from './feature-tables.js';

export interface AppliedObject {
  readonly kind: FeatureDefinition['kind'];
  readonly name: string;
  readonly version: number;
  readonly hash: string;
  readonly definition: JsonValue;
}

export async function appliedObjects(meta: FeatureMeta): Promise<AppliedObject[]> {
  const rows = await meta.db.selectFrom('feature_objects').selectAll().orderBy('kind').orderBy('name').execute();
  return rows.map((r) => ({
    kind: r.kind as FeatureDefinition['kind'],
    name: r.name,
    version: r.version,
    hash: r.hash,
    definition: r.definition as JsonValue,
  }));
}

/** A definition read back from its stored JSON. */
export function revived(stored: JsonValue): FeatureDefinition {
  const definition = { ...(stored as object) } as FeatureDefinition;
  if (definition.kind === 'onDemandFeature') {
    const text = (stored as { compute?: { function?: string } }).compute?.function ?? '';
    Object.assign(definition, {
      compute: () => {
        throw new Error(
          `the stored on-demand feature ${definition.name} cannot run (its code is ${text.length} characters of text); load the features/ files.`,
        );
      },
    });
  }
  if (!isFeatureDefinition(definition))
    Object.defineProperty(definition, Symbol.for('strata.featureDefinition'), { value: true, enumerable: false });
  return Object.freeze(definition);
}

export async function appliedDefinitionSet(
  meta: FeatureMeta,
): Promise<{ set: DefinitionSet; versions: Map<string, AppliedObject> }> {
  const objects = await appliedObjects(meta);
  return {
    set: definitionSet(objects.map((o) => revived(o.definition))),
    versions: new Map(objects.map((o) => [`${o.kind}:${o.name}`, o])),
  };
}
