/** Reads registered models and versions with their tags and aliases: one query per table per page. */
import type { Kysely } from 'kysely';
import type { ModelTables } from '../model-tables.js';
import type { ModelVersion, RegisteredModel, Stage } from './registry-types.js';

type ModelRow = ModelTables['ml_registered_models'];
type VersionRow = ModelTables['ml_model_versions'];

export async function readVersions(db: Kysely<ModelTables>, rows: readonly VersionRow[]): Promise<ModelVersion[]> {
  if (rows.length === 0) return [];
  const names = [...new Set(rows.map((r) => r.name))];
  const [tags, aliases] = await Promise.all([
    db.selectFrom('ml_model_version_tags').selectAll().where('name', 'in', names).orderBy('key').execute(),
    db.selectFrom('ml_model_aliases').selectAll().where('name', 'in', names).orderBy('alias').execute(),
  ]);
  const same = (r: VersionRow) => (x: { name: string; version: number }) =>
    x.name === r.name && x.version === r.version;
  return rows.map((r) => ({
    name: r.name,
    version: r.version,
    creationTimestamp: Number(r.creation_timestamp),
    lastUpdatedTimestamp: Number(r.last_updated_timestamp),
    userId: r.user_id,
    currentStage: r.current_stage as Stage,
    description: r.description,
    source: r.source,
    runId: r.run_id,
    runLink: r.run_link,
    status: 'READY',
    statusMessage: r.status_message,
    tags: tags.filter(same(r)).map(({ key, value }) => ({ key, value })),
    aliases: aliases.filter(same(r)).map((a) => a.alias),
  }));
}

export async function readModels(db: Kysely<ModelTables>, rows: readonly ModelRow[]): Promise<RegisteredModel[]> {
  if (rows.length === 0) return [];
  const names = rows.map((r) => r.name);
  // The newest version per (model, stage): what MLflow returns as latest_versions.
  const [tags, aliases, latest] = await Promise.all([
    db.selectFrom('ml_registered_model_tags').selectAll().where('name', 'in', names).orderBy('key').execute(),
    db.selectFrom('ml_model_aliases').selectAll().where('name', 'in', names).orderBy('alias').execute(),
    db
      .selectFrom('ml_model_versions')
      .selectAll()
      .distinctOn(['name', 'current_stage'])
      .where('name', 'in', names)
      .orderBy('name')
      .orderBy('current_stage')
      .orderBy('version', 'desc')
      .execute(),
  ]);
  const versions = await readVersions(db, latest);
  return rows.map((r) => ({
    name: r.name,
    creationTimestamp: Number(r.creation_timestamp),
    lastUpdatedTimestamp: Number(r.last_updated_timestamp),
    description: r.description,
    latestVersions: versions.filter((v) => v.name === r.name).sort((a, b) => a.version - b.version),
    tags: tags.filter((t) => t.name === r.name).map(({ key, value }) => ({ key, value })),
    aliases: aliases.filter((a) => a.name === r.name).map(({ alias, version }) => ({ alias, version })),
  }));
}
