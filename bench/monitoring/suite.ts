/** The monitoring suite: sequential drift detection and the anytime-valid promotion test, simulated with seeds. */
import type { Suite } from '../harness.js';
import { driftDelay } from './drift-delay.js';
import { promotionSimulation } from './promotion-simulation.js';

export const monitoringSuite: Suite = {
  name: 'monitoring',
  scenarios: [driftDelay, promotionSimulation],
};
