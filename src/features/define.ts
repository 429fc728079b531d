/**
 * `strata/features`: what a features/ file needs to define entities, feature views,
 * on-demand features and services, without the rest of the library (no DuckDB, no
 * metadata database), so definitions load fast wherever they are imported.
 */
export {
  defineEntity,
  defineFeatureView,
  defineOnDemandFeature,
  defineFeatureService,
  tableSource,
  sqlSource,
  type EntityDefinition,
  type FeatureViewDefinition,
  type OnDemandFeatureDefinition,
  type FeatureServiceDefinition,
  type FeatureDefinition,
  type FeatureSource,
  type OnDemandInput,
} from './definition/feature-definition.js';
export { FeatureType } from './definition/feature-types.js';
export type { Duration } from './definition/durations.js';
export { materializeFlow, type MaterializeFlowOptions } from './materialization/materialize-flow.js';
