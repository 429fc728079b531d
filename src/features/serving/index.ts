/**
 * Online serving (re-exported by src/features/index.ts): compiled plans per request
 * shape, entity-row checks, one store read per request, on-demand features by the code
 * training sets share, and pushes. HTTP routes live in src/api/rest/feature-*.ts.
 */
export {
  FeatureServer,
  type FeatureServerOptions,
  type OnlineFeatures,
  type ServedColumn,
  type EntityRow,
} from './feature-server.js';
export {
  compilePlan,
  type FeatureSelection,
  type ServedFeature,
  type ServedView,
  type ServingPlan,
} from './serving-plan.js';
export { servingDefinitions, withFunctions } from './serving-definitions.js';
export { openFeatureServer, type OpenFeatureServerOptions } from './open-feature-server.js';
export { computeOnDemand, onDemandSteps, outputValue, type OnDemandStep } from './on-demand-compute.js';
export { pushOnline, pushedView, stampedRows, onlineRows, type PushRow } from './push-rows.js';
export { typedValue } from './request-values.js';
