/**
 * Lineage in the metadata database: a run records what it trained on once (recording
 * again replaces it, in one transaction), a model version answers with its run's, and
 * "which versions trained on table X" is a join over the sources' indexed table names
 * and locations (a table is matched by its catalog name or its location).
 */
import type { MetaDatabase } from '../../meta/index.js';
import { ModelInvalidParameterError } from '../errors.js';
import type { ModelTables } from '../model-tables.js';
import type { RegistryStore } from '../registry/registry-store.js';
import type { RunStore } from '../tracking/run-store.js';
import type { Clock } from '../tracking/view-type.js';
import type { LineageDefinition, RecordedLineage, RunLineage, TrainedOn, VersionLineage } from './lineage-types.js';

type LineageRow = ModelTables['ml_run_lineage'];
type SourceRow = ModelTables['ml_run_lineage_sources'];

export class LineageStore {
  constructor(
    private readonly meta: MetaDatabase<ModelTables>,
    private readonly runs: RunStore,
    private readonly registry: RegistryStore,
    private readonly now: Clock,
  ) {}

  /** Records (or replaces) what run `runId` trained on. */
  async record(runId: string, lineage: RunLineage): Promise<RecordedLineage> {
    await this.runs.info(runId);
    for (const s of lineage.sources) {
      if (!Number.isInteger(s.version) || s.version < 0)
        throw new ModelInvalidParameterError(`Source ${s.table} has Delta version ${s.version}: use a version >= 0.`, {
          table: s.table,
        });
    }
    const time = this.now();
    await this.meta.transaction(async (trx) => {
      await trx.deleteFrom('ml_run_lineage').where('run_uuid', '=', runId).execute();
      await trx
        .insertInto('ml_run_lineage')
        .values({
          run_uuid: runId,
          training_set: lineage.trainingSet?.table ?? null,
          training_set_version: lineage.trainingSet?.version ?? null,
          feature_service: lineage.featureService ?? null,
          definitions: JSON.stringify(lineage.definitions),
          flow_run_id: lineage.flowRun?.runId ?? null,
          task_id: lineage.flowRun?.taskId ?? null,
          code_version: lineage.codeVersion ?? null,
          recorded_time: time,
        })
        .execute();
      // One row per location: a table read twice (a view's source and the entity rows) is one source.
      const byLocation = new Map(lineage.sources.map((s) => [s.location, s]));
      if (byLocation.size > 0)
        await trx
          .insertInto('ml_run_lineage_sources')
          .values(
            [...byLocation.values()].map((s) => ({
              run_uuid: runId,
              table_name: s.table,
              location: s.location,
              delta_version: s.version,
              view: s.view ?? null,
            })),
          )
          .execute();
    });
    return (await this.forRun(runId))!;
  }

  /** What run `runId` trained on, or undefined when it recorded nothing. */
  async forRun(runId: string): Promise<RecordedLineage | undefined> {
    const row = await this.meta.db
      .selectFrom('ml_run_lineage')
      .selectAll()
      .where('run_uuid', '=', runId)
      .executeTakeFirst();
    if (row === undefined) return undefined;
    const sources = await this.meta.db
      .selectFrom('ml_run_lineage_sources')
      .selectAll()
      .where('run_uuid', '=', runId)
      .orderBy('table_name')
      .orderBy('location')
      .execute();
    return toLineage(row, sources);
  }

  /** A version's lineage (its run's): "what data did champion see" is `forVersion(name, champion.version)`. */
  async forVersion(name: string, version: number | string): Promise<VersionLineage> {
    const v = await this.registry.getVersion(name, version);
    const lineage = v.runId === null ? undefined : await this.forRun(v.runId);
    return { name: v.name, version: v.version, runId: v.runId, lineage: lineage ?? null };
  }

  /** Every model version trained on `table` (its catalog name or location), newest first. */
  async versionsTrainedOn(table: string, location?: string): Promise<readonly TrainedOn[]> {
    const names = location === undefined ? [table] : [table, location];
    const viaSource = await this.meta.db
      .selectFrom('ml_run_lineage_sources as s')
      .innerJoin('ml_model_versions as v', 'v.run_id', 's.run_uuid')
      .select(['v.name', 'v.version', 's.run_uuid', 's.table_name', 's.delta_version'])
      .where((eb) => eb.or([eb('s.table_name', 'in', names), eb('s.location', 'in', names)]))
      .execute();
    const viaSet = await this.meta.db
      .selectFrom('ml_run_lineage as l')
      .innerJoin('ml_model_versions as v', 'v.run_id', 'l.run_uuid')
      .select(['v.name', 'v.version', 'l.run_uuid', 'l.training_set', 'l.training_set_version'])
      .where('l.training_set', 'in', names)
      .execute();
    const found: TrainedOn[] = [
      ...viaSource.map((r) => ({
        name: r.name,
        version: r.version,
        runId: r.run_uuid,
        table: r.table_name,
        deltaVersion: r.delta_version,
        via: 'source' as const,
      })),
      ...viaSet.map((r) => ({
        name: r.name,
        version: r.version,
        runId: r.run_uuid,
        table: r.training_set!,
        deltaVersion: r.training_set_version ?? 0,
        via: 'trainingSet' as const,
      })),
    ];
    return found.sort((a, b) => a.name.localeCompare(b.name) || b.version - a.version || a.via.localeCompare(b.via));
  }
}

function toLineage(row: LineageRow, sources: readonly SourceRow[]): RecordedLineage {
  const definitions = (
    typeof row.definitions === 'string' ? JSON.parse(row.definitions) : row.definitions
  ) as LineageDefinition[];
  return {
    runId: row.run_uuid,
    recordedTime: Number(row.recorded_time),
    ...(row.training_set === null
      ? {}
      : { trainingSet: { table: row.training_set, version: row.training_set_version ?? 0 } }),
    ...(row.feature_service === null ? {} : { featureService: row.feature_service }),
    definitions,
    sources: sources.map((s) => ({
      table: s.table_name,
      location: s.location,
      version: s.delta_version,
      ...(s.view === null ? {} : { view: s.view }),
    })),
    ...(row.flow_run_id === null ? {} : { flowRun: { runId: row.flow_run_id, taskId: row.task_id ?? '' } }),
    ...(row.code_version === null ? {} : { codeVersion: row.code_version }),
  };
}
