/**
 * Loading `features/*.ts` (and .mts, .js, .mjs) of a warehouse: each file is imported as
 * flow files are (tsx, `strata/features` resolved to this copy, re-imported when changed),
 * and every definition it exports (default or named, arrays of them too) is collected.
 * The whole folder must form one consistent DefinitionSet.
 */
import { readFile } from 'node:fs/promises';
import { importUserModule, listFlowFiles } from '../../flows/index.js';
import { FeatureLoadError, FeatureError } from '../errors.js';
import { isFeatureDefinition, type FeatureDefinition } from './feature-definition.js';
import { definitionSet, type DefinitionSet } from './definition-set.js';

export async function loadFeatureFile(file: string): Promise<FeatureDefinition[]> {
  let source: Buffer;
  try {
    source = await readFile(file);
  } catch (error) {
    throw new FeatureLoadError(file, `cannot be read (${(error as Error).message}).`, { cause: error });
  }
  let module: Record<string, unknown>;
  try {
    module = await importUserModule(file, source);
  } catch (error) {
    if (error instanceof FeatureError) throw error;
    // A definition refused by define*() (from the light entry's copy of this module) keeps its code.
    if ((error as { code?: unknown })?.code === 'FEATURE_DEFINITION') throw error;
    throw new FeatureLoadError(file, `could not be imported: ${(error as Error)?.message ?? String(error)}.`, {
      cause: error,
    });
  }
  const found = Object.values(module)
    .flatMap((v) => (Array.isArray(v) ? v : [v]))
    .filter(isFeatureDefinition);
  return [...new Set(found)];
}

/** Every definition in the feature files directly in `directory` (sorted by file name), checked together. */
export async function loadFeatureDirectory(directory: string): Promise<DefinitionSet> {
  const definitions: FeatureDefinition[] = [];
  for (const file of await listFlowFiles(directory)) definitions.push(...(await loadFeatureFile(file)));
  return definitionSet(definitions);
}
