/**
 * Training sets: `getTrainingSet` builds one from the applied definitions and the
 * sources' latest versions; `rebuildTrainingSet` builds it again from its manifest,
 * reading every source at the version it pinned with the definitions as they were then,
 * so the rows are the same after the sources moved on. A pinned version that VACUUM or
 * log cleanup took away fails with FEATURE_SOURCE_VERSION_GONE naming it.
 */
import { existsSync } from 'node:fs';
import { definitionSet, type DefinitionSet } from '../definition/definition-set.js';
import { revived } from '../registry/applied-definitions.js';
import type { FeatureRegistry } from '../registry/feature-registry.js';
import type { EntityRows } from './entity-rows.js';
import { entitySql, keptRowsSql } from './entity-sources.js';
import { checkPinsReadable } from './pinned-versions.js';
import { buildTrainingSet, type BuildSpec, type BuiltTrainingSet } from './training-set-builder.js';
import { readManifest, type EntityRowsRecord } from './training-manifest.js';
import { resolveRequest, type TrainingSetRequest } from './training-request.js';

export type TrainingSetResult = BuiltTrainingSet;

export async function getTrainingSet(
  registry: FeatureRegistry,
  request: TrainingSetRequest,
): Promise<TrainingSetResult> {
  const { set, versions } = await registry.applied();
  const resolved = resolveRequest(set, request);
  const used = new Set<string>();
  for (const { view } of resolved.views) {
    used.add(`featureView:${view}`);
    for (const entity of set.views.get(view)!.entities) used.add(`entity:${entity}`);
  }
  for (const step of resolved.onDemand.steps) used.add(`onDemandFeature:${step.definition.name}`);
  const timestampColumn = request.timestampColumn ?? 'event_timestamp';
  const spec: BuildSpec = {
    format: 1,
    request: {
      features: resolved.refs,
      ...(request.service ? { service: request.service } : {}),
      entities: entityRecord(request.entities),
      timestampColumn,
      pointInTime: request.pointInTime ?? 'bitemporal',
      ttlMs: resolved.ttlMs,
      fullFeatureNames: request.fullFeatureNames ?? false,
    },
    definitions: [...used].sort().map((key) => {
      const o = versions.get(key)!;
      return { kind: o.kind, name: o.name, version: o.version, definition: o.definition };
    }),
  };
  const views = resolved.views.map((v) => v.view);
  const entities = entitySql(registry.catalog, request.entities, set, views, timestampColumn);
  const built = await buildTrainingSet(
    registry.catalog,
    spec,
    entities,
    request.output,
    new Map(),
    await featureFunctions(registry, resolved.onDemand.steps.length > 0),
  );
  await record(registry, built);
  return built;
}

export async function rebuildTrainingSet(
  registry: FeatureRegistry,
  from: string,
  output: string,
): Promise<TrainingSetResult> {
  const original = await registry.catalog.openTable(from);
  const manifest = readManifest(original.snapshot.configuration, from);
  await checkPinsReadable(manifest.sources);
  const pins = new Map(manifest.sources.map((s) => [s.location, s.version]));
  const { sources: _sources, featureColumns, ...spec } = manifest;
  const kind = manifest.request.entities;
  const entities =
    kind.kind === 'rows' || kind.kind === 'file'
      ? keptRowsSql(
          original.location,
          original.version,
          original.snapshot.schema.fields.map((f) => f.name).filter((c) => !featureColumns.includes(c)),
        )
      : entitySql(
          registry.catalog,
          kind,
          definitionSet(manifest.definitions.map((d) => revived(d.definition))),
          [...new Set(manifest.request.features.map((r) => r.split(':')[0]!))],
          manifest.request.timestampColumn,
        );
  const name = (await registry.catalog.getTable(from)).name;
  const rebuilt = { ...spec, rebuiltFrom: { table: name, version: original.version } };
  const onDemand = manifest.definitions.some((d) => d.kind === 'onDemandFeature');
  const built = await buildTrainingSet(
    registry.catalog,
    rebuilt,
    entities,
    output,
    pins,
    await featureFunctions(registry, onDemand),
  );
  await record(registry, built);
  return built;
}

/** The feature files' definitions, for on-demand functions (the registry keeps them only as text). */
async function featureFunctions(registry: FeatureRegistry, needed: boolean): Promise<DefinitionSet | undefined> {
  return needed && existsSync(registry.featuresDirectory) ? await registry.load() : undefined;
}

async function record(registry: FeatureRegistry, built: BuiltTrainingSet): Promise<void> {
  await registry.meta.db
    .insertInto('feature_training_sets')
    .values({
      name: built.table.name,
      location: built.table.location,
      rows: built.rows,
      manifest: JSON.stringify(built.manifest),
    })
    .execute();
}

function entityRecord(entities: EntityRows): EntityRowsRecord {
  if (entities.kind === 'rows') return { kind: 'rows', count: entities.rows.length };
  return entities;
}
