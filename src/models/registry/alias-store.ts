/**
 * Names for versions: aliases (`champion`, `challenger`, any name; one version each,
 * moved by setting them again, gone with their version), MLflow's deprecated stages
 * (still answered as MLflow 2.9+ answers them) and the `models:/` URIs that name a
 * version by number, alias, stage or as the latest — resolved by `resolve` alone.
 */
import type { MetaDatabase } from '../../meta/index.js';
import { ModelInvalidParameterError, ModelNotFoundError } from '../errors.js';
import type { ModelTables } from '../model-tables.js';
import type { Clock } from '../tracking/view-type.js';
import { parseModelUri } from './model-uri.js';
import { readVersions } from './registry-reader.js';
import type { RegistryStore } from './registry-store.js';
import { STAGES, type ModelVersion } from './registry-types.js';

export class AliasStore {
  constructor(
    private readonly meta: MetaDatabase<ModelTables>,
    private readonly registry: RegistryStore,
    private readonly now: Clock,
  ) {}

  /**
   * MLflow's deprecated stage transition, still answered as MLflow 2.9+ answers it (the
   * clients warn; aliases replace stages): the version moves to `stage`, and with
   * `archiveExisting` the other versions in Staging or Production move to Archived.
   */
  async transitionStage(
    name: string,
    version: number | string,
    stage: string,
    archiveExisting: boolean,
  ): Promise<ModelVersion> {
    const canonical = STAGES.find((s) => s.toLowerCase() === String(stage).toLowerCase());
    if (canonical === undefined) {
      throw new ModelInvalidParameterError(
        `Invalid Model Version stage: ${stage}. Value must be one of ${STAGES.join(', ')}.`,
        { stage },
      );
    }
    const current = await this.registry.getVersion(name, version);
    await this.meta.transaction(async (trx) => {
      const time = this.now();
      if (archiveExisting && (canonical === 'Staging' || canonical === 'Production')) {
        await trx
          .updateTable('ml_model_versions')
          .set({ current_stage: 'Archived', last_updated_timestamp: time })
          .where('name', '=', name)
          .where('current_stage', '=', canonical)
          .where('version', '<>', current.version)
          .execute();
      }
      await trx
        .updateTable('ml_model_versions')
        .set({ current_stage: canonical, last_updated_timestamp: time })
        .where('name', '=', name)
        .where('version', '=', current.version)
        .execute();
    });
    return this.registry.getVersion(name, current.version);
  }

  /** The newest version in each of `stages` (all stages when empty). */
  async latestVersions(name: string, stages: readonly string[]): Promise<readonly ModelVersion[]> {
    const model = await this.registry.getModel(name);
    const wanted = stages.map((s) => s.toLowerCase());
    return model.latestVersions.filter((v) => wanted.length === 0 || wanted.includes(v.currentStage.toLowerCase()));
  }

  /** Points `alias` at `version` (moving it if it pointed elsewhere). */
  async setAlias(name: string, alias: string, version: number | string): Promise<void> {
    const current = await this.registry.getVersion(name, version);
    if (typeof alias !== 'string' || !/^[\w-]+$/.test(alias) || /^(v\d+|latest)$/i.test(alias)) {
      throw new ModelInvalidParameterError(
        `Invalid alias name '${alias}': use letters, digits, '_' or '-', and not 'latest' or v<number>.`,
        { alias },
      );
    }
    await this.meta.db
      .insertInto('ml_model_aliases')
      .values({ name, alias, version: current.version })
      .onConflict((c) => c.columns(['name', 'alias']).doUpdateSet({ version: current.version }))
      .execute();
  }

  async deleteAlias(name: string, alias: string): Promise<void> {
    await this.registry.getModel(name);
    await this.meta.db.deleteFrom('ml_model_aliases').where('name', '=', name).where('alias', '=', alias).execute();
  }

  async versionByAlias(name: string, alias: string): Promise<ModelVersion> {
    const row = await this.meta.db
      .selectFrom('ml_model_aliases')
      .select('version')
      .where('name', '=', name)
      .where('alias', '=', alias)
      .executeTakeFirst();
    if (row === undefined) throw new ModelNotFoundError(`Registered model alias ${alias} not found.`, { name, alias });
    return this.registry.getVersion(name, row.version);
  }

  /** The version a `models:/` URI names. */
  async resolve(uri: string): Promise<ModelVersion> {
    const ref = parseModelUri(uri);
    if (ref.kind === 'version') return this.registry.getVersion(ref.name, ref.version);
    if (ref.kind === 'alias') return this.versionByAlias(ref.name, ref.alias);
    await this.registry.getModel(ref.name);
    let query = this.meta.db.selectFrom('ml_model_versions').selectAll().where('name', '=', ref.name);
    if (ref.kind === 'stage') query = query.where('current_stage', '=', ref.stage);
    const row = await query.orderBy('version', 'desc').limit(1).executeTakeFirst();
    if (row === undefined)
      throw new ModelNotFoundError(
        `No versions of model ${ref.name}${ref.kind === 'stage' ? ` in stage ${ref.stage}` : ''} (${uri}).`,
        { uri },
      );
    return (await readVersions(this.meta.db, [row]))[0]!;
  }
}
