/**
 * Builds a training set from a manifest (without its sources): stages the entity rows,
 * pins every source (at `pins`, or at its latest version), runs the point-in-time join
 * as one DuckDB query and writes its result as a new catalog table whose properties hold
 * the complete manifest. The same code builds and rebuilds, so a rebuild over the same
 * pins and definitions gives the same rows.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Catalog, CatalogTable } from '../../catalog/index.js';
import { bindDeltaSql } from '../../engine/index.js';
import { fromSql, withConnection } from '../../lake/index.js';
import { joinKeysOf, definitionSet } from '../definition/definition-set.js';
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
): Promise<BuiltTrainingSet> {
  const set = definitionSet(spec.definitions.map((d) => revived(d.definition)));
  const requested = new Map<string, string[]>();
  for (const ref of spec.request.features) {
    const [view = '', feature = ''] = ref.split(':');
    requested.set(view, [...(requested.get(view) ?? []), feature]);
  }
  return withConnection(async (connection) => {
    await connection.run(`SET SESSION TimeZone = 'UTC'`);
    const sources: (PinnedRead & { view?: string })[] = [];
    const joins: ViewJoin[] = [];
    const allKeys = new Map<string, FeatureType>();
    const featureColumns: string[] = [];
    for (const [name, features] of requested) {
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
      const outputs = features.map((f) => ({
        name: f,
        type: view.features[f]!,
        output: spec.request.fullFeatureNames ? `${name}__${f}` : f,
      }));
      featureColumns.push(...outputs.map((o) => o.output));
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
      try {
        const table = await catalog.createTable(output, {
          data: fromSql(bound.sql),
          connection,
          properties: { [MANIFEST_PROPERTY]: JSON.stringify(manifest) },
          description: `Training set of ${spec.request.features.length} features`,
        });
        const counted = (
          await connection.runAndReadAll(`SELECT count(*)::BIGINT AS n FROM ${staged.table}`)
        ).getRowObjectsJson();
        return { table, rows: Number(counted[0]?.n ?? 0), manifest };
      } finally {
        await bound.release();
      }
    } finally {
      await staged.release();
    }
  });
}
