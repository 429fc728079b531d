/** The feature store's tables (migration features-0001-registry) as Kysely sees them. */
import type { ColumnType } from 'kysely';
import type { MetaDatabase } from '../../meta/index.js';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json = ColumnType<unknown, string, string>;
type Count = ColumnType<string | number, number, number>;

export interface FeatureObjectsTable {
  kind: string;
  name: string;
  version: number;
  hash: string;
  definition: Json;
  updated_at: Timestamp;
}

export interface FeatureObjectVersionsTable {
  kind: string;
  name: string;
  version: number;
  hash: string;
  definition: Json;
  created_at: Timestamp;
}

export interface FeatureTrainingSetsTable {
  name: string;
  location: string;
  rows: Count;
  manifest: Json;
  created_at: Timestamp;
}

export interface FeatureTables {
  feature_objects: FeatureObjectsTable;
  feature_object_versions: FeatureObjectVersionsTable;
  feature_training_sets: FeatureTrainingSetsTable;
}

export type FeatureMeta = MetaDatabase<FeatureTables>;
