/**
 * The model registry: registered models, their numbered versions (each from a source
 * artifact location and, usually, a run), tags and aliases (`champion`, `challenger`, any
 * name: one version each, in alias-store.ts). Version numbers are taken under a row lock
 * on the model, so concurrent registrations never share one; a version is READY when
 * recorded (its artifacts are written before).
 */
import { sql } from 'kysely';
import type { MetaDatabase } from '../../meta/index.js';
import { ModelAlreadyExistsError, ModelInvalidParameterError, ModelNotFoundError } from '../errors.js';
import type { ModelTables } from '../model-tables.js';
import { parseFilter, parseOrderBy, type FilterDialect } from '../tracking/search-filter.js';
import { decodePageToken, encodePageToken, orderSql, whereSql, type SearchTarget } from '../tracking/search-sql.js';
import { checkKey, checkValue } from '../tracking/tracking-limits.js';
import type { Page, SearchOptions } from '../tracking/tracking-types.js';
import type { Clock } from '../tracking/view-type.js';
import { readModels, readVersions } from './registry-reader.js';
import type { CreateModelVersion, ModelVersion, RegisteredModel } from './registry-types.js';

const MODEL_DIALECT: FilterDialect = {
  entities: ['attribute', 'tag'],
  attributes: { name: 'string', last_updated_timestamp: 'number', timestamp: 'number' },
  listEntities: [],
};
const MODEL_TARGET: SearchTarget = {
  alias: 'm',
  idColumns: ['name'],
  tables: { tag: 'ml_registered_model_tags' },
  columns: { name: 'name', last_updated_timestamp: 'last_updated_timestamp', timestamp: 'last_updated_timestamp' },
};
const VERSION_DIALECT: FilterDialect = {
  entities: ['attribute', 'tag'],
  attributes: {
    name: 'string',
    run_id: 'string',
    source_path: 'string',
    version_number: 'number',
    creation_timestamp: 'number',
    last_updated_timestamp: 'number',
  },
  listEntities: ['attribute'],
};
const VERSION_TARGET: SearchTarget = {
  alias: 'v',
  idColumns: ['name', 'version'],
  tables: { tag: 'ml_model_version_tags' },
  columns: {
    name: 'name',
    run_id: 'run_id',
    source_path: 'source',
    version_number: 'version',
    creation_timestamp: 'creation_timestamp',
    last_updated_timestamp: 'last_updated_timestamp',
  },
};

export class RegistryStore {
  constructor(
    private readonly meta: MetaDatabase<ModelTables>,
    private readonly now: Clock,
  ) {}

  async createModel(
    name: string,
    description?: string,
    tags: readonly { key: string; value: string }[] = [],
  ): Promise<RegisteredModel> {
    if (typeof name !== 'string' || name.trim() === '')
      throw new ModelInvalidParameterError("Missing value for required parameter 'name'.");
    for (const tag of tags) checkValue('tag', checkKey('tag', tag.key), tag.value);
    const time = this.now();
    await this.meta.transaction(async (trx) => {
      const inserted = await trx
        .insertInto('ml_registered_models')
        .values({ name, creation_timestamp: time, last_updated_timestamp: time, description: description ?? null })
        .onConflict((c) => c.column('name').doNothing())
        .executeTakeFirst();
      if (inserted.numInsertedOrUpdatedRows === 0n)
        throw new ModelAlreadyExistsError(`Registered Model (name=${name}) already exists.`, { name });
      if (tags.length > 0)
        await trx
          .insertInto('ml_registered_model_tags')
          .values(tags.map((t) => ({ name, ...t })))
          .execute();
    });
    return this.getModel(name);
  }

  async getModel(name: string): Promise<RegisteredModel> {
    const row = await this.meta.db
      .selectFrom('ml_registered_models')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirst();
    if (row === undefined) throw new ModelNotFoundError(`Registered Model with name=${name} not found`, { name });
    return (await readModels(this.meta.db, [row]))[0]!;
  }

  async renameModel(name: string, newName: string): Promise<RegisteredModel> {
    await this.getModel(name);
    if (typeof newName !== 'string' || newName.trim() === '')
      throw new ModelInvalidParameterError("Missing value for required parameter 'new_name'.");
    const taken = await this.meta.db
      .selectFrom('ml_registered_models')
      .select('name')
      .where('name', '=', newName)
      .executeTakeFirst();
    if (taken !== undefined)
      throw new ModelAlreadyExistsError(`Registered Model (name=${newName}) already exists.`, { name: newName });
    // Versions, tags and aliases follow by ON UPDATE CASCADE.
    await this.meta.db
      .updateTable('ml_registered_models')
      .set({ name: newName, last_updated_timestamp: this.now() })
      .where('name', '=', name)
      .execute();
    return this.getModel(newName);
  }

  async updateModel(name: string, description: string | undefined): Promise<RegisteredModel> {
    await this.getModel(name);
    await this.meta.db
      .updateTable('ml_registered_models')
      .set({ description: description ?? null, last_updated_timestamp: this.now() })
      .where('name', '=', name)
      .execute();
    return this.getModel(name);
  }

  async deleteModel(name: string): Promise<void> {
    await this.getModel(name);
    await this.meta.db.deleteFrom('ml_registered_models').where('name', '=', name).execute();
  }

  async searchModels(options: SearchOptions = {}): Promise<Page<RegisteredModel>> {
    const { rows, next } = await this.search(
      options,
      MODEL_DIALECT,
      MODEL_TARGET,
      'ml_registered_models',
      'm.name asc',
    );
    return withToken(await readModels(this.meta.db, rows as ModelTables['ml_registered_models'][]), next);
  }

  async setModelTag(name: string, key: string, value: string): Promise<void> {
    await this.getModel(name);
    checkValue('tag', checkKey('tag', key), value);
    await this.meta.db
      .insertInto('ml_registered_model_tags')
      .values({ name, key, value })
      .onConflict((c) => c.columns(['name', 'key']).doUpdateSet({ value }))
      .execute();
  }

  async deleteModelTag(name: string, key: string): Promise<void> {
    await this.getModel(name);
    const { numDeletedRows } = await this.meta.db
      .deleteFrom('ml_registered_model_tags')
      .where('name', '=', name)
      .where('key', '=', key)
      .executeTakeFirst();
    if (numDeletedRows === 0n)
      throw new ModelNotFoundError(`Registered model tag with name=${name}, key=${key} not found`, { name, key });
  }

  async createVersion(input: CreateModelVersion): Promise<ModelVersion> {
    if (typeof input.source !== 'string' || input.source === '')
      throw new ModelInvalidParameterError("Missing value for required parameter 'source'.");
    for (const tag of input.tags ?? []) checkValue('tag', checkKey('tag', tag.key), tag.value);
    const version = await this.meta.transaction(async (trx) => {
      const model = await trx
        .selectFrom('ml_registered_models')
        .select('name')
        .where('name', '=', input.name)
        .forUpdate()
        .executeTakeFirst();
      if (model === undefined)
        throw new ModelNotFoundError(`Registered Model with name=${input.name} not found`, { name: input.name });
      if (input.runId) {
        const run = await trx
          .selectFrom('ml_runs')
          .select('run_uuid')
          .where('run_uuid', '=', input.runId)
          .executeTakeFirst();
        if (run === undefined)
          throw new ModelNotFoundError(`Run with id=${input.runId} not found`, { runId: input.runId });
      }
      const { max } = await trx
        .selectFrom('ml_model_versions')
        .select(sql<number | null>`max(version)`.as('max'))
        .where('name', '=', input.name)
        .executeTakeFirstOrThrow();
      const next = (max ?? 0) + 1;
      const time = this.now();
      await trx
        .insertInto('ml_model_versions')
        .values({
          name: input.name,
          version: next,
          creation_timestamp: time,
          last_updated_timestamp: time,
          user_id: input.userId ?? null,
          current_stage: 'None',
          description: input.description ?? null,
          source: input.source,
          run_id: input.runId || null,
          run_link: input.runLink || null,
          status: 'READY',
          status_message: null,
        })
        .execute();
      if (input.tags?.length)
        await trx
          .insertInto('ml_model_version_tags')
          .values(input.tags.map((t) => ({ name: input.name, version: next, ...t })))
          .execute();
      await trx
        .updateTable('ml_registered_models')
        .set({ last_updated_timestamp: time })
        .where('name', '=', input.name)
        .execute();
      return next;
    });
    return this.getVersion(input.name, version);
  }

  async getVersion(name: string, version: number | string): Promise<ModelVersion> {
    const number = Number(version);
    const row = Number.isInteger(number)
      ? await this.meta.db
          .selectFrom('ml_model_versions')
          .selectAll()
          .where('name', '=', name)
          .where('version', '=', number)
          .executeTakeFirst()
      : undefined;
    if (row === undefined)
      throw new ModelNotFoundError(`Model Version (name=${name}, version=${String(version)}) not found`, {
        name,
        version,
      });
    return (await readVersions(this.meta.db, [row]))[0]!;
  }

  async updateVersion(name: string, version: number | string, change: { description?: string }): Promise<ModelVersion> {
    const current = await this.getVersion(name, version);
    await this.meta.db
      .updateTable('ml_model_versions')
      .set({
        last_updated_timestamp: this.now(),
        ...(change.description === undefined ? {} : { description: change.description }),
      })
      .where('name', '=', name)
      .where('version', '=', current.version)
      .execute();
    return this.getVersion(name, current.version);
  }

  async deleteVersion(name: string, version: number | string): Promise<void> {
    const current = await this.getVersion(name, version);
    await this.meta.db
      .deleteFrom('ml_model_versions')
      .where('name', '=', name)
      .where('version', '=', current.version)
      .execute();
  }

  async searchVersions(options: SearchOptions = {}): Promise<Page<ModelVersion>> {
    const { rows, next } = await this.search(
      options,
      VERSION_DIALECT,
      VERSION_TARGET,
      'ml_model_versions',
      'v.name asc, v.version desc',
    );
    return withToken(await readVersions(this.meta.db, rows as ModelTables['ml_model_versions'][]), next);
  }

  async setVersionTag(name: string, version: number | string, key: string, value: string): Promise<void> {
    const current = await this.getVersion(name, version);
    checkValue('tag', checkKey('tag', key), value);
    await this.meta.db
      .insertInto('ml_model_version_tags')
      .values({ name, version: current.version, key, value })
      .onConflict((c) => c.columns(['name', 'version', 'key']).doUpdateSet({ value }))
      .execute();
  }

  async deleteVersionTag(name: string, version: number | string, key: string): Promise<void> {
    const current = await this.getVersion(name, version);
    await this.meta.db
      .deleteFrom('ml_model_version_tags')
      .where('name', '=', name)
      .where('version', '=', current.version)
      .where('key', '=', key)
      .execute();
  }

  private async search(
    options: SearchOptions,
    dialect: FilterDialect,
    target: SearchTarget,
    table: string,
    tiebreak: string,
  ) {
    const limit = options.maxResults ?? 100;
    const clauses = parseFilter(options.filter, dialect);
    const order = orderSql(parseOrderBy(options.orderBy, dialect), target, tiebreak);
    const offset = decodePageToken(options.pageToken, (m) => new ModelInvalidParameterError(m));
    const { rows } = await sql<
      Record<string, unknown>
    >`select ${sql.raw(target.alias)}.* from ${sql.table(table)} ${sql.raw(target.alias)}${order.joins}
      where ${whereSql(clauses, target)} order by ${order.orderBy} limit ${limit + 1} offset ${offset}`.execute(
      this.meta.db,
    );
    return { rows: rows.slice(0, limit), next: rows.length > limit ? encodePageToken(offset + limit) : undefined };
  }
}

function withToken<T>(items: readonly T[], next: string | undefined): Page<T> {
  return next === undefined ? { items } : { items, nextPageToken: next };
}
