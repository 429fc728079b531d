/**
 * Experiments: create, read, search, rename, delete (soft: lifecycle_stage, with their
 * runs) and restore, tags. An experiment's artifact location defaults to
 * `mlflow-artifacts:/<id>`, which MLflow clients resolve to this server's artifact routes;
 * the bytes live in the warehouse's object store (artifact-store.ts).
 */
import { sql } from 'kysely';
import type { MetaDatabase } from '../../meta/index.js';
import { ModelAlreadyExistsError, ModelInvalidParameterError, ModelNotFoundError } from '../errors.js';
import type { ModelTables } from '../model-tables.js';
import { parseFilter, parseOrderBy, type FilterDialect } from './search-filter.js';
import { decodePageToken, encodePageToken, orderSql, whereSql, type SearchTarget } from './search-sql.js';
import { checkKey, checkValue } from './tracking-limits.js';
import type { Experiment, KeyValue, Page, SearchOptions } from './tracking-types.js';
import { stagesOf, type Clock } from './view-type.js';

const DIALECT: FilterDialect = {
  entities: ['attribute', 'tag'],
  attributes: { name: 'string', creation_time: 'number', last_update_time: 'number', experiment_id: 'string' },
  listEntities: [],
};
const TARGET: SearchTarget = {
  alias: 'e',
  idColumns: ['experiment_id'],
  tables: { tag: 'ml_experiment_tags' },
  columns: {
    name: 'name',
    creation_time: 'creation_time',
    last_update_time: 'last_update_time',
    experiment_id: 'experiment_id',
  },
};

type Row = Record<string, unknown>;

export class ExperimentStore {
  constructor(
    private readonly meta: MetaDatabase<ModelTables>,
    private readonly now: Clock,
  ) {}

  async create(name: string, artifactLocation: string | undefined, tags: readonly KeyValue[] = []): Promise<string> {
    if (typeof name !== 'string' || name.trim() === '') {
      throw new ModelInvalidParameterError(
        `Invalid experiment name: '${String(name)}'. The name must be a non-empty string.`,
      );
    }
    for (const tag of tags) checkValue('tag', checkKey('tag', tag.key), tag.value);
    return this.meta.transaction(async (trx) => {
      const taken = await trx
        .selectFrom('ml_experiments')
        .select('lifecycle_stage')
        .where('name', '=', name)
        .executeTakeFirst();
      if (taken !== undefined) {
        throw new ModelAlreadyExistsError(
          `Experiment(name=${name}) already exists.${taken.lifecycle_stage === 'deleted' ? ' It is deleted: restore it or rename it first.' : ''}`,
          { name },
        );
      }
      const time = this.now();
      const { experiment_id } = await trx
        .insertInto('ml_experiments')
        .values({
          name,
          artifact_location: artifactLocation ?? '',
          lifecycle_stage: 'active',
          creation_time: time,
          last_update_time: time,
        })
        .returning('experiment_id')
        .executeTakeFirstOrThrow();
      const id = String(experiment_id);
      if (artifactLocation === undefined || artifactLocation === '') {
        await trx
          .updateTable('ml_experiments')
          .set({ artifact_location: `mlflow-artifacts:/${id}` })
          .where('experiment_id', '=', id)
          .execute();
      }
      if (tags.length > 0)
        await trx
          .insertInto('ml_experiment_tags')
          .values(tags.map((t) => ({ experiment_id: id, ...t })))
          .execute();
      return id;
    });
  }

  async get(experimentId: string): Promise<Experiment> {
    const row = /^\d+$/.test(experimentId)
      ? await this.meta.db
          .selectFrom('ml_experiments')
          .selectAll()
          .where('experiment_id', '=', experimentId)
          .executeTakeFirst()
      : undefined;
    if (row === undefined)
      throw new ModelNotFoundError(`No Experiment with id=${experimentId} exists`, { experimentId });
    return (await this.withTags([row]))[0]!;
  }

  async getByName(name: string): Promise<Experiment> {
    const row = await this.meta.db.selectFrom('ml_experiments').selectAll().where('name', '=', name).executeTakeFirst();
    if (row === undefined) throw new ModelNotFoundError(`Could not find experiment with name '${name}'`, { name });
    return (await this.withTags([row]))[0]!;
  }

  async search(options: SearchOptions = {}): Promise<Page<Experiment>> {
    const clauses = parseFilter(options.filter, DIALECT);
    const order = orderSql(parseOrderBy(options.orderBy, DIALECT), TARGET, 'e.experiment_id asc');
    const limit = options.maxResults ?? 1000;
    const offset = decodePageToken(options.pageToken, (m) => new ModelInvalidParameterError(m));
    const { rows } = await sql<Record<string, unknown>>`select e.* from ml_experiments e${order.joins}
      where e.lifecycle_stage in (${sql.join(stagesOf(options.viewType))}) and ${whereSql(clauses, TARGET)}
      order by ${order.orderBy} limit ${limit + 1} offset ${offset}`.execute(this.meta.db);
    const items = await this.withTags(rows.slice(0, limit));
    return rows.length > limit ? { items, nextPageToken: encodePageToken(offset + limit) } : { items };
  }

  async rename(experimentId: string, newName: string): Promise<void> {
    await this.get(experimentId);
    const taken = await this.meta.db
      .selectFrom('ml_experiments')
      .select('experiment_id')
      .where('name', '=', newName)
      .executeTakeFirst();
    if (taken !== undefined && String(taken.experiment_id) !== experimentId) {
      throw new ModelAlreadyExistsError(`Experiment(name=${newName}) already exists.`, { name: newName });
    }
    await this.touch(experimentId, { name: newName });
  }

  /** Deletes (or restores) the experiment and its runs; the Default experiment cannot be deleted. */
  async setStage(experimentId: string, stage: 'active' | 'deleted'): Promise<void> {
    await this.get(experimentId);
    if (experimentId === '0' && stage === 'deleted') {
      throw new ModelInvalidParameterError(
        "Cannot delete the default experiment '0'. This is an internally reserved experiment.",
      );
    }
    await this.meta.transaction(async (trx) => {
      await trx
        .updateTable('ml_experiments')
        .set({ lifecycle_stage: stage, last_update_time: this.now() })
        .where('experiment_id', '=', experimentId)
        .execute();
      await trx
        .updateTable('ml_runs')
        .set({ lifecycle_stage: stage })
        .where('experiment_id', '=', experimentId)
        .execute();
    });
  }

  async setTag(experimentId: string, key: string, value: string): Promise<void> {
    await this.get(experimentId);
    checkValue('tag', checkKey('tag', key), value);
    await this.meta.db
      .insertInto('ml_experiment_tags')
      .values({ experiment_id: experimentId, key, value })
      .onConflict((c) => c.columns(['experiment_id', 'key']).doUpdateSet({ value }))
      .execute();
  }

  private async touch(experimentId: string, set: { name: string }): Promise<void> {
    await this.meta.db
      .updateTable('ml_experiments')
      .set({ ...set, last_update_time: this.now() })
      .where('experiment_id', '=', experimentId)
      .execute();
  }

  private async withTags(rows: readonly Row[]): Promise<Experiment[]> {
    const ids = rows.map((r) => String(r.experiment_id));
    const tags =
      ids.length === 0
        ? []
        : await this.meta.db.selectFrom('ml_experiment_tags').selectAll().where('experiment_id', 'in', ids).execute();
    return rows.map((r) => ({
      experimentId: String(r.experiment_id),
      name: String(r.name),
      artifactLocation: String(r.artifact_location),
      lifecycleStage: r.lifecycle_stage as 'active' | 'deleted',
      creationTime: Number(r.creation_time),
      lastUpdateTime: Number(r.last_update_time),
      tags: tags
        .filter((t) => String(t.experiment_id) === String(r.experiment_id))
        .map(({ key, value }) => ({ key, value })),
    }));
  }
}
