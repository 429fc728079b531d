/** The feature store's tables (migrations features-0001-registry, features-0002-materializations) as Kysely sees them. */
import type { ColumnType } from 'kysely';
import type { MetaDatabase } from '../../meta/index.js';
import type { MaterializationTables } from '../materialization/materialization-log.js';

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

/** The module's tables: the registry's (features-0001) and the materialization history (features-0002). */
export interface FeatureTables extends MaterializationTables {
  feature_objects: FeatureObjectsTable;
  feature_object_versions: FeatureObjectVersionsTable;
  feature_training_sets: FeatureTrainingSetsTable;
}

export type FeatureMeta = MetaDatabase<FeatureTables>;
