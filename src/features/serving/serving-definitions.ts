/**
 * The definitions a server serves: what is applied in the registry (so serving agrees
 * with materialization and training sets), with each on-demand feature's function taken
 * from the features/ files when the file's definition is the applied version (same
 * hash). The registry stores a function only as text, so an applied on-demand feature
 * whose file changed or went away cannot run: it fails naming itself.
 */
import { existsSync } from 'node:fs';
import { definitionSet, type DefinitionSet } from '../definition/definition-set.js';
import type { FeatureDefinition } from '../definition/feature-definition.js';
import { loadFeatureDirectory } from '../definition/feature-loader.js';
import { definitionHash, storedDefinition } from '../definition/stored-definition.js';
import type { FeatureRegistry } from '../registry/feature-registry.js';

export async function servingDefinitions(registry: FeatureRegistry): Promise<DefinitionSet> {
  const { set, versions } = await registry.applied();
  if (set.onDemand.size === 0 || !existsSync(registry.featuresDirectory)) return set;
  const files = await loadFeatureDirectory(registry.featuresDirectory);
  return withFunctions(set, files, (name) => versions.get(`onDemandFeature:${name}`)?.hash);
}

/** `set` with its on-demand features replaced by `files`' ones whose hash is the applied one. */
export function withFunctions(
  set: DefinitionSet,
  files: DefinitionSet,
  appliedHash: (name: string) => string | undefined,
): DefinitionSet {
  const all: FeatureDefinition[] = [
    ...set.entities.values(),
    ...set.views.values(),
    ...set.services.values(),
    ...[...set.onDemand.values()].map((applied) => {
      const file = files.onDemand.get(applied.name);
      return file !== undefined && definitionHash(storedDefinition(file)) === appliedHash(applied.name)
        ? file
        : applied;
    }),
  ];
  return definitionSet(all);
}
