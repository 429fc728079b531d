/**
 * Every module's migration source and tables, composed as `strata init` composes them,
 * for suites that open the metadata database directly.
 */
import { AUTH_MIGRATIONS, SQL_MIGRATIONS, type AuthTables, type SqlHistoryTables } from '../../../src/api/index.js';
import { CATALOG_MIGRATIONS, type CatalogTables } from '../../../src/catalog/index.js';
import { FEATURE_MIGRATIONS, type FeatureTables } from '../../../src/features/index.js';
import { FLOW_MIGRATIONS, type FlowTables } from '../../../src/flows/index.js';
import {
  openMetaDatabase,
  orderSources,
  type MetaDatabase,
  type MetaDatabaseOptions,
  type MetaTables,
} from '../../../src/meta/index.js';
import { MODEL_MIGRATIONS, type ModelTables } from '../../../src/models/index.js';

export type AllTables = MetaTables &
  CatalogTables &
  FlowTables &
  AuthTables &
  SqlHistoryTables &
  FeatureTables &
  ModelTables;

export const ALL_MIGRATIONS = [
  CATALOG_MIGRATIONS,
  FLOW_MIGRATIONS,
  AUTH_MIGRATIONS,
  SQL_MIGRATIONS,
  FEATURE_MIGRATIONS,
  MODEL_MIGRATIONS,
] as const;

/** Every migration id, in the order a new database applies them. */
export const ALL_MIGRATION_IDS: readonly string[] = orderSources(ALL_MIGRATIONS).flatMap((s) =>
  s.migrations.map((m) => m.id),
);

export async function openAll(options: MetaDatabaseOptions): Promise<MetaDatabase<AllTables>> {
  return (await openMetaDatabase({ ...options, migrations: ALL_MIGRATIONS })).withTables<
    CatalogTables & FlowTables & AuthTables & SqlHistoryTables & FeatureTables & ModelTables
  >();
}
