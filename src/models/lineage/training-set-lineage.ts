/**
 * A run's lineage from the training set it used: the features module writes a manifest
 * into the training set's Delta table properties (`strata.trainingSet`: the request, the
 * definitions with their versions, every source table at the Delta version it read).
 * Read here structurally, by property name, so the models module does not load the
 * features module (they are peers; neither imports the other).
 */
import type { Catalog } from '../../catalog/index.js';
import { ModelInvalidParameterError } from '../errors.js';
import type { LineageSource, RunLineage } from './lineage-types.js';

/** The property the features module records a training set's manifest in. */
export const TRAINING_SET_PROPERTY = 'strata.trainingSet';

/** The parts of the features module's TrainingSetManifest that lineage keeps. */
export interface ManifestLike {
  readonly request?: { readonly service?: string };
  readonly definitions?: readonly { readonly kind: string; readonly name: string; readonly version: number }[];
  readonly sources?: readonly {
    readonly table: string;
    readonly location: string;
    readonly version: number;
    readonly view?: string;
  }[];
}

export interface LineageContext {
  readonly flowRun?: { readonly runId: string; readonly taskId: string };
  readonly codeVersion?: string;
}

export function lineageFromManifest(
  manifest: ManifestLike,
  trainingSet: { readonly table: string; readonly version: number },
  context: LineageContext = {},
): RunLineage {
  const sources: LineageSource[] = (manifest.sources ?? []).map((s) => ({
    table: s.table,
    location: s.location,
    version: s.version,
    ...(s.view === undefined ? {} : { view: s.view }),
  }));
  return {
    trainingSet,
    ...(manifest.request?.service === undefined ? {} : { featureService: manifest.request.service }),
    definitions: (manifest.definitions ?? []).map(({ kind, name, version }) => ({ kind, name, version })),
    sources,
    ...context,
  };
}

/** The lineage of training on catalog table `table` at its latest version (or `version`). */
export async function trainingSetLineage(
  catalog: Catalog,
  table: string,
  options: LineageContext & { readonly version?: number } = {},
): Promise<RunLineage> {
  const { version, ...context } = options;
  const named = await catalog.getTable(table);
  const delta = await catalog.openTable(named.name, version === undefined ? {} : { version });
  const snapshot = delta.snapshot;
  const text = snapshot.metadata.configuration[TRAINING_SET_PROPERTY];
  if (text === undefined)
    throw new ModelInvalidParameterError(
      `${table} is not a training set: its table has no ${TRAINING_SET_PROPERTY} property.`,
      {
        table,
      },
    );
  let manifest: ManifestLike;
  try {
    manifest = JSON.parse(text) as ManifestLike;
  } catch {
    throw new ModelInvalidParameterError(`${table}'s ${TRAINING_SET_PROPERTY} property is not JSON.`, { table });
  }
  return lineageFromManifest(manifest, { table: named.name, version: snapshot.version }, context);
}
