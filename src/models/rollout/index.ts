/**
 * Champion/challenger rollout: traffic policies (shadow, split, full) stored per model
 * with every change, the pure router serving calls per request, and the promotion
 * controller that runs the anytime-valid test on logged outcomes and moves the
 * `champion` alias (after the validation gate) or rolls back.
 */
export {
  parseTrafficPolicy,
  policyVersions,
  type TrafficPolicy,
  type TrafficPolicyKind,
  type WeightedVersion,
} from './traffic-policy.js';
export { routeRequest, keyBucket, keyHash, ROUTE_BUCKETS, type Route } from './route-request.js';
export { TrafficPolicyStore, type PolicyChange, type CurrentPolicy } from './policy-store.js';
export {
  PromotionController,
  ExperimentStatus,
  type Experiment,
  type Look,
  type PromotionGate,
  type StartExperiment,
} from './promotion-controller.js';
