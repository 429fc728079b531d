/**
 * Builds a training set from a manifest (without its sources): stages the entity rows,
 * pins every source (at `pins`, or at its latest version), runs the point-in-time join
 * as one DuckDB query and writes its result as a new catalog table whose properties hold
 * the complete manifest. The same code builds and rebuilds, so a rebuild over the same
 * pins and definitions gives the same rows. On-demand features run over the result in
 * TypeScript (on-demand-stage.ts), with `functions` (the feature files) in the versions
 * the manifest names.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Catalog, CatalogTable } from '../../catalog/index.js';
import { bindDeltaSql } from '../../engine/index.js';
import { fromSql, withConnection } from '../../lake/index.js';
import { joinKeysOf, definitionSet, type DefinitionSet } from '../definition/definition-set.js';
import { canonicalJson, definitionHash } from '../definition/stored-definition.js';
import { withFunctions } from '../serving/serving-definitions.js';
import { trainingColumns } from './on-demand-columns.js';
import { stageOnDemand, type OnDemandStaged } from './on-demand-stage.js';
import type { FeatureType } from '../definition/feature-types.js';
import { revived } from '../registry/applied-definitions.js';
import { TrainingSetError } from '../errors.js';
import { stageEntities } from './entity-rows.js';
import { pointInTimeSql, type ViewJoin } from './point-in-time-sql.js';
import { pinnedSourceSql, type PinnedRead, type Pins } from './source-sql.js';
import { MANIFEST_PROPERTY, type TrainingSetManifest } from './training-manifest.js';

export type BuildSpec = Omit<TrainingSetManifest, 'sources' | 'featureColumns'>;

/** The entity rows as SQL on `connection` (delta_scan calls allowed), with the reads it pinned. */
export type EntitySql = (
  connection: DuckDBConnection,
  pins: Pins,
) => Promise<{ sql: string; reads: readonly PinnedRead[]; release?: () => Promise<void> }>;

export interface BuiltTrainingSet {
  readonly table: CatalogTable;
  readonly rows: number;
  readonly manifest: TrainingSetManifest;
}

export async function buildTrainingSet(
  catalog: Catalog,
  spec: BuildSpec,
  entitySql: EntitySql,
  output: string,
  pins: Pins = new Map(),
  functions?: DefinitionSet,
): Promise<BuiltTrainingSet> {
  const pinnedSet = definitionSet(spec.definitions.map((d) => revived(d.definition)));
  // On-demand functions come from the feature files, and only in the version the manifest names.
  const hashes = new Map(
    spec.definitions.map((d) => [`${d.kind}:${d.name}`, definitionHash(canonicalJson(d.definition))]),
  );
  const set =
    functions === undefined
      ? pinnedSet
      : withFunctions(pinnedSet, functions, (name) => hashes.get(`onDemandFeature:${name}`));
  const plan = trainingColumns(set, spec.request.features, spec.request.fullFeatureNames);
  return withConnection(async (connection) => {
    await connection.run(`SET SESSION TimeZone = 'UTC'`);
    const sources: (PinnedRead & { view?: string })[] = [];
    const joins: ViewJoin[] = [];
    const allKeys = new Map<string, FeatureType>();
    const featureColumns: string[] = [];
    const hidden: string[] = [];
    for (const { view: name, features } of plan.views) {
      const view = set.views.get(name)!;
      const pinned = await pinnedSourceSql(catalog, connection, view.source, `feature view ${name}`, pins);
      sources.push(...pinned.reads.map((r) => ({ ...r, view: name })));
      const keys = joinKeysOf(set, view) as [string, FeatureType][];
      for (const [k, t] of keys) {
        if (allKeys.has(k) && allKeys.get(k) !== t)
          throw new TrainingSetError(
            `Join key ${k} has two types among the requested views (${allKeys.get(k)} and ${t}).`,
            { key: k },
          );
        allKeys.set(k, t);
      }
      const outputs = features.map((f) => ({ name: f.name, type: view.features[f.name]!, output: f.output }));
      featureColumns.push(...features.filter((f) => !f.hidden).map((f) => f.output));
      hidden.push(...features.filter((f) => f.hidden).map((f) => f.output));
      joins.push({
        sourceSql: pinned.sql,
        keys,
        eventTime: view.eventTime,
        ...(view.createdTime ? { createdTime: view.createdTime } : {}),
        ttlMs: spec.request.ttlMs[name] ?? view.ttlMs,
        features: outputs,
      });
    }
    const entities = await entitySql(connection, pins);
    sources.push(...entities.reads);
    const boundInput = await bindDeltaSql(connection, entities.sql);
    let staged;
    try {
      staged = await stageEntities(connection, boundInput.sql, [...allKeys], spec.request.timestampColumn);
    } finally {
      await boundInput.release();
      await entities.release?.();
    }
    featureColumns.push(...plan.onDemand.outputs.map((o) => o.output));
    try {
      for (const column of featureColumns)
        if (staged.inputColumns.includes(column))
          throw new TrainingSetError(
            `The entity rows have a column ${column}, which is also a requested feature; rename it or pass fullFeatureNames.`,
            { column },
          );
      const manifest: TrainingSetManifest = { ...spec, sources, featureColumns };
      const sql = pointInTimeSql({
        entityTable: staged.table,
        internalColumns: staged.internalColumns,
        views: joins,
        bitemporal: spec.request.pointInTime === 'bitemporal',
      });
      const bound = await bindDeltaSql(connection, sql);
      let onDemand: OnDemandStaged | undefined;
      try {
        if (plan.onDemand.steps.length > 0)
          onDemand = await stageOnDemand(connection, bound.sql, plan.onDemand, staged.inputColumns, hidden);
        const table = await catalog.createTable(output, {
          data: fromSql(onDemand?.sql ?? bound.sql),
          connection,
          properties: { [MANIFEST_PROPERTY]: JSON.stringify(manifest) },
          description: `Training set of ${spec.request.features.length} features`,
        });
        const counted = (
          await connection.runAndReadAll(`SELECT count(*)::BIGINT AS n FROM ${staged.table}`)
        ).getRowObjectsJson();
        return { table, rows: Number(counted[0]?.n ?? 0), manifest };
      } finally {
        await onDemand?.release();
        await bound.release();
      }
    } finally {
      await staged.release();
    }
  });
}
