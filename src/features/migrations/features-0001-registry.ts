/**
 * Migration features-0001: the feature registry. `feature_objects` holds what is applied
 * now (one row per object); `feature_object_versions` every version ever applied, so a
 * training set naming a version can be traced after the object changed or was removed.
 * `feature_training_sets` lists the training sets built, with the manifest they pinned.
 */
import { sql, type Kysely } from 'kysely';
import type { ModuleMigration } from '../../meta/index.js';

export const registryMigration: ModuleMigration = {
  id: 'features-0001-registry',
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`
      create table feature_objects (
        kind text not null check (kind in ('entity', 'featureView', 'onDemandFeature', 'featureService')),
        name text not null,
        version integer not null,
        hash text not null,
        definition jsonb not null,
        updated_at timestamptz not null default now(),
        primary key (kind, name)
      )`.execute(db);
    await sql`
      create table feature_object_versions (
        kind text not null,
        name text not null,
        version integer not null,
        hash text not null,
        definition jsonb not null,
        created_at timestamptz not null default now(),
        primary key (kind, name, version)
      )`.execute(db);
    await sql`
      create table feature_training_sets (
        name text primary key,
        location text not null,
        rows bigint not null,
        manifest jsonb not null,
        created_at timestamptz not null default now()
      )`.execute(db);
  },
};
